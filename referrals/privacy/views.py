from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render

from portal.core.access_log import log_access
from portal.core.pagination import page_of
from referrals.privacy.forms import AccessRequestForm
from referrals.privacy.services import clients_of, export_for_request, privacy_ocmws


def _ocmw_ids(user) -> list[int]:
    ids = [o.pk for o in privacy_ocmws(user)]
    if not ids:
        raise Http404
    return ids


@login_required
def privacy_clients(request):
    ocmw_ids = _ocmw_ids(request.user)
    query = request.GET.get("q", "").strip()
    clients = clients_of(ocmw_ids).select_related("postcode").order_by("full_name", "pk")
    if query:
        clients = clients.filter(full_name__icontains=query)
    page = page_of(clients if query else clients.none(), request.GET.get("page"), size=25)
    return render(request, "referrals/privacy/clients.html", {"page": page, "q": query})


@login_required
def privacy_export(request, pk: int):
    """A form first (the request it answers), then the JSON file."""
    client = clients_of(_ocmw_ids(request.user)).filter(pk=pk).first()
    if client is None:
        log_access(request.user, "refused", "client", pk, purpose="right-of-access export")
        raise Http404
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = export_for_request(client, actor=request.user, **form.cleaned_data)
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="inzage-client-{pk}.json"'
        return response
    return render(request, "referrals/privacy/export.html", {"client": client, "form": form})
