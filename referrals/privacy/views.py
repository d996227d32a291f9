import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from portal.core.access_log import log_access
from portal.core.pagination import page_of
from referrals.privacy.services import clients_of, privacy_ocmws, right_of_access


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
    ocmw_ids = _ocmw_ids(request.user)
    client = clients_of(ocmw_ids).filter(pk=pk).first()
    if client is None:
        log_access(request.user, "refused", "client", pk, purpose="right-of-access export")
        raise Http404
    data = right_of_access(client, ocmw_ids)
    log_access(
        request.user,
        "export",
        "client",
        pk,
        purpose="right-of-access export",
        client_id=client.pk,
        ocmw_id=ocmw_ids[0],
    )
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="inzage-client-{client.pk}.json"'
    return response
