from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.models import Agreement
from portal import services
from portal.exceptions import ActionRefused
from portal.forms import AcceptInvitationForm, LanguageForm
from portal.models import Notification
from portal.pagination import page_of


def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return redirect("account_login")


@login_required
def dashboard(request):
    roles = request.roles
    organisation_ids = [org.pk for org in roles.organisations]
    agreements = (
        Agreement.objects.active()
        .involving(organisation_ids)
        .select_related("ocmw", "partner")[:20]
        if organisation_ids
        else []
    )
    countdown = []
    if roles.is_arrears_worker:
        from referrals.cases import next_session_countdown
        from referrals.querysets import arrears_ocmw_ids

        countdown = next_session_countdown(arrears_ocmw_ids(request.user))
    helped = []
    if roles.is_partner_worker:
        from referrals.outreach_views import partner_contact_help

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
    if request.method == "POST":
        try:
            if existing_account:
                user = services.accept_invitation(token, password=None, user=request.user)
            elif form.is_valid():
                user = services.accept_invitation(
                    token,
                    password=form.cleaned_data["password1"],
                    full_name=form.cleaned_data["full_name"],
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                user = None
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
            user = None
        if user is not None:
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
