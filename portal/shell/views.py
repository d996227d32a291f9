from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST

from partners import invitations as services
from partners import views as partner_views
from partners.access import get_managed_organisation_or_404
from partners.models import Agreement
from portal.core.exceptions import ActionRefused
from portal.core.middleware import API_PREFIX
from portal.core.models import ApiToken, Notification, WebhookEndpoint
from portal.core.pagination import page_of
from portal.core.views import form_refusal, message_refusal
from portal.shell import tokens
from portal.shell import webhooks as webhook_services
from portal.shell.forms import AcceptInvitationForm, ApiTokenForm, LanguageForm, WebhookEndpointForm
from referrals.referrals.figures import ENOUGH_REFERRALS, REPLY_DAYS, reply_figures


def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return redirect("account_login")


@login_required
def dashboard(request):
    principal = request.principal
    organisation_ids = [org.pk for org in principal.organisations]
    agreements = (
        Agreement.objects.active()
        .involving(organisation_ids)
        .select_related("ocmw", "partner")[:20]
        if organisation_ids
        else []
    )
    countdown = []
    if principal.is_arrears_worker:
        from referrals.cases.services import next_session_countdown

        countdown = next_session_countdown(principal.arrears_ocmw_ids)
    helped = []
    if principal.is_partner_worker:
        from referrals.outreach.querysets import partner_contact_help

        helped = list(partner_contact_help(request.user))
    return render(
        request,
        "portal/dashboard.html",
        {"agreements": agreements, "countdown": countdown, "helped": helped},
    )


def accept_invitation(request, token: str):
    try:
        invitation = services.pending_invitation_for_token(token)
    except ActionRefused as refusal:
        return render(
            request, "portal/invitation_invalid.html", {"reason": refusal.message}, status=410
        )
    existing_account = invitation.email.lower() != "" and (
        request.user.is_authenticated and request.user.email.lower() == invitation.email
    )
    form = AcceptInvitationForm(
        request.POST or None, email=invitation.email, initial={"full_name": invitation.full_name}
    )
    if request.method == "POST" and (existing_account or form.is_valid()):
        with message_refusal(request):
            if existing_account:
                services.accept_invitation(token, password=None, user=request.user)
            else:
                user = services.accept_invitation(
                    token,
                    password=form.cleaned_data["password1"],
                    full_name=form.cleaned_data["full_name"],
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome! You are now a member of %(team)s.") % {"team": invitation.team.name},
            )
            return redirect("dashboard")
    return render(
        request,
        "portal/invitation_accept.html",
        {"invitation": invitation, "form": form, "existing_account": existing_account},
    )


@require_POST
def set_language(request):
    """Switch the interface language and remember it (on the account when logged in)."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated and request.user.language != language:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@login_required
def notifications(request):
    """The person's notifications, newest first; opening the page marks them read."""
    queryset = Notification.objects.for_user(request.user)
    page = page_of(queryset, request.GET.get("page"), size=30)
    unread_ids = [n.pk for n in page.items if n.read_at is None]
    if unread_ids:
        Notification.objects.filter(pk__in=unread_ids).update(read_at=timezone.now())
    return render(request, "portal/notifications.html", {"page": page})


# The API's JSON answers for URLs no view handles -------------------------------------


def not_found(request, exception):
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": _("Something went wrong on our side. Try again later."), "code": "error"},
            status=500,
        )
    return defaults.server_error(request)


# API tokens -------------------------------------------------------------------------


def _show_once(request, template: str, context: dict):
    """A page with a secret on it: never cached, never stored by the browser."""
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def api_tokens(request):
    """Your own tokens, and a form to make one (its secret is shown once)."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            token, secret = tokens.create_token(
                actor=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=timezone.now() + timedelta(days=form.cleaned_data["days"]),
            )
            return _show_once(
                request, "portal/api_token_created.html", {"token": token, "secret": secret}
            )
    page = page_of(ApiToken.objects.filter(user=request.user), request.GET.get("page"), size=30)
    return render(request, "portal/api_tokens.html", {"form": form, "page": page})


def _revoke_token_page(request, token, *, back: str, organisation=None):
    if request.method == "POST":
        with message_refusal(request):
            tokens.revoke_token(token, actor=request.user, organisation=organisation)
            messages.success(
                request,
                _("The token “%(name)s” was revoked. It no longer works.") % {"name": token.name},
            )
        return redirect(back)
    return render(
        request,
        "portal/api_token_revoke.html",
        {"token": token, "back": back, "organisation": organisation},
    )


@login_required
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    return _revoke_token_page(request, token, back=reverse("api_tokens"))


@login_required
def organisation_api_tokens(request, pk: int):
    """For organisation admins: the tokens of their members."""
    organisation = get_managed_organisation_or_404(request.user, pk)
    page = page_of(tokens.tokens_of_members(organisation), request.GET.get("page"), size=30)
    return render(
        request,
        "portal/organisation_api_tokens.html",
        {"organisation": organisation, "page": page},
    )


@login_required
def organisation_api_token_revoke(request, pk: int, token_pk: int):
    organisation = get_managed_organisation_or_404(request.user, pk)
    token = get_object_or_404(tokens.tokens_of_members(organisation), pk=token_pk)
    return _revoke_token_page(
        request,
        token,
        back=reverse("organisation_api_tokens", args=[organisation.pk]),
        organisation=organisation,
    )


# Webhooks ---------------------------------------------------------------------------


def _managed_endpoint(request, pk: int, endpoint_pk: int) -> WebhookEndpoint:
    organisation = get_managed_organisation_or_404(request.user, pk)
    return get_object_or_404(
        WebhookEndpoint.objects.select_related("organisation"),
        pk=endpoint_pk,
        organisation=organisation,
    )


@login_required
def webhooks(request, pk: int):
    """An organisation's webhook addresses, and a form to add one."""
    organisation = get_managed_organisation_or_404(request.user, pk)
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            endpoint, secret = webhook_services.create_endpoint(
                organisation,
                actor=request.user,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
            )
            return _show_once(
                request, "portal/webhook_secret.html", {"endpoint": endpoint, "secret": secret}
            )
    return render(
        request,
        "portal/webhooks.html",
        {
            "organisation": organisation,
            "endpoints": organisation.webhook_endpoints.all(),
            "form": form,
        },
    )


@login_required
def webhook_detail(request, pk: int, endpoint_pk: int):
    """One address and its delivery log, newest first."""
    endpoint = _managed_endpoint(request, pk, endpoint_pk)
    page = page_of(endpoint.deliveries.all(), request.GET.get("page"), size=30)
    return render(request, "portal/webhook_detail.html", {"endpoint": endpoint, "page": page})


@login_required
def webhook_rotate(request, pk: int, endpoint_pk: int):
    endpoint = _managed_endpoint(request, pk, endpoint_pk)
    if request.method == "POST":
        secret = webhook_services.rotate_secret(endpoint, actor=request.user)
        return _show_once(
            request,
            "portal/webhook_secret.html",
            {"endpoint": endpoint, "secret": secret, "rotated": True},
        )
    return render(request, "portal/webhook_rotate.html", {"endpoint": endpoint})


@login_required
@require_POST
def webhook_toggle(request, pk: int, endpoint_pk: int):
    endpoint = _managed_endpoint(request, pk, endpoint_pk)
    webhook_services.set_active(endpoint, actor=request.user, active=not endpoint.is_active)
    if endpoint.is_active:
        messages.success(request, _("The webhook is on again."))
    else:
        messages.success(
            request, _("The webhook is off. Nothing is sent to it until you switch it on.")
        )
    return redirect("webhook_detail", pk=pk, endpoint_pk=endpoint.pk)


@login_required
@require_POST
def webhook_retry(request, pk: int, endpoint_pk: int, delivery_pk: int):
    endpoint = _managed_endpoint(request, pk, endpoint_pk)
    delivery = get_object_or_404(endpoint.deliveries.select_related("endpoint"), pk=delivery_pk)
    with message_refusal(request):
        webhook_services.retry_delivery(delivery, actor=request.user)
        messages.success(request, _("The message is being sent again."))
    return redirect("webhook_detail", pk=pk, endpoint_pk=endpoint.pk)


@login_required
def organisation_detail(request, pk: int):
    """An organisation's profile, with how each team of an OCMW takes up referrals."""
    context = partner_views.organisation_profile(request, pk)
    organisation = context["organisation"]
    if organisation.is_ocmw:
        context["replies"] = reply_figures(organisation, context["receiving_teams"])
        context["reply_days"], context["enough_referrals"] = REPLY_DAYS, ENOUGH_REFERRALS
    return render(request, "partners/organisation_detail.html", context)
