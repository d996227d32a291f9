from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners import services
from partners.access import get_managed_organisation_or_404
from partners.models import Membership
from portal import services as account_services
from portal.exceptions import ActionRefused
from portal.forms import InvitationForm
from portal.models import Invitation


@login_required
def members(request, pk: int):
    organisation = get_managed_organisation_or_404(request.user, pk)
    form = InvitationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = account_services.invite_member(
                form.cleaned_data["team"],
                actor=request.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                base_url=request.build_absolute_uri("/"),
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("members", pk=organisation.pk)
    memberships = (
        Membership.objects.filter(team__organisation=organisation)
        .select_related("user", "team")
        .order_by("user__full_name", "team__name")
    )
    invitations = (
        Invitation.objects.pending()
        .filter(team__organisation=organisation)
        .select_related("team", "invited_by")
    )
    return render(
        request,
        "partners/members.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "invitations": invitations,
            "form": form,
            "invitation_days": settings.PORTAL_INVITATION_DAYS,
        },
    )


@login_required
def remove_member(request, pk: int, membership_pk: int):
    organisation = get_managed_organisation_or_404(request.user, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "team"),
        pk=membership_pk,
        team__organisation=organisation,
    )
    if request.method == "POST":
        try:
            services.remove_membership(membership, actor=request.user)
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("%(name)s is no longer a member of %(team)s.")
                % {"name": membership.user, "team": membership.team.name},
            )
        return redirect("members", pk=organisation.pk)
    return render(
        request,
        "partners/remove_member.html",
        {"organisation": organisation, "membership": membership},
    )


@login_required
@require_POST
def revoke_invitation(request, pk: int, invitation_pk: int):
    organisation = get_managed_organisation_or_404(request.user, pk)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, team__organisation=organisation)
    try:
        account_services.revoke_invitation(invitation, actor=request.user)
    except (ActionRefused, PermissionDenied) as refusal:
        messages.error(request, getattr(refusal, "message", _("Not allowed.")))
    else:
        messages.success(request, _("The invitation was revoked."))
    return redirect("members", pk=organisation.pk)
