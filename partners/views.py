from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners import invitations as account_services
from partners import services
from partners.access import (
    get_agreement_or_404,
    get_agreement_organisation_or_404,
    get_managed_organisation_or_404,
    get_managed_team_or_404,
    get_visible_organisation_or_404,
)
from partners.filters import OrganisationFilter
from partners.forms import (
    AgreementProposalForm,
    EndAgreementForm,
    InvitationForm,
    OrganisationProfileForm,
    TeamForm,
)
from partners.models import Agreement, Organisation
from partners.permissions import can_manage_agreements, can_manage_members
from partners.principal import memberships_of_organisation, teams_with_member_count
from portal.core.models import Invitation
from portal.core.pagination import page_of
from portal.core.views import form_refusal, message_refusal

DIRECTORY_PAGE_SIZE = 20


@login_required
def members(request, pk: int):
    organisation = get_managed_organisation_or_404(request.user, pk)
    form = InvitationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            invitation = account_services.invite_member(
                form.cleaned_data["team"],
                actor=request.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                base_url=request.build_absolute_uri("/"),
            )
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("members", pk=organisation.pk)
    memberships = memberships_of_organisation(organisation.pk).order_by(
        "user__full_name", "team__name"
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
    membership = get_object_or_404(memberships_of_organisation(organisation.pk), pk=membership_pk)
    if request.method == "POST":
        with message_refusal(request):
            services.remove_membership(membership, actor=request.user)
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
        with message_refusal(request):
            account_services.revoke_invitation(invitation, actor=request.user)
            messages.success(request, _("The invitation was revoked."))
    except PermissionDenied:
        messages.error(request, _("Not allowed."))
    return redirect("members", pk=organisation.pk)


@login_required
def directory(request):
    filterset = OrganisationFilter(
        request.GET,
        queryset=Organisation.objects.visible_to(request.user)
        .select_related("postcode")
        .order_by("name", "pk"),
    )
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = page_of(queryset, request.GET.get("page"), size=DIRECTORY_PAGE_SIZE)
    template = "partners/_directory_results.html" if request.htmx else "partners/directory.html"
    return render(request, template, {"filter": filterset, "page": page})


def organisation_profile(request, pk: int) -> dict:
    """What the profile page shows of the network; the shell adds the referral figures."""
    organisation = get_visible_organisation_or_404(request.user, pk)
    receiving_teams = organisation.teams.filter(receives_referrals=True).order_by("name")
    agreements = (
        Agreement.objects.active()
        .involving([organisation.pk])
        .select_related("ocmw", "partner")
        .order_by("ocmw__name", "partner__name")
    )
    return {
        "organisation": organisation,
        "receiving_teams": receiving_teams,
        "agreements": agreements,
        "served": organisation.serves.order_by("name_nl") if organisation.is_ocmw else [],
        "can_edit": can_manage_members(request.user, organisation),
    }


@login_required
def organisation_edit(request, pk: int):
    organisation = get_managed_organisation_or_404(request.user, pk)
    form = OrganisationProfileForm(
        request.POST or None, instance=organisation, initial={"version": organisation.version}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        with form_refusal(form):
            services.update_organisation(
                organisation, actor=request.user, version=version, changes=data
            )
            messages.success(request, _("The profile was saved."))
            return redirect("organisation_detail", pk=organisation.pk)
    return render(
        request, "partners/organisation_edit.html", {"organisation": organisation, "form": form}
    )


@login_required
def teams(request, pk: int):
    organisation = get_managed_organisation_or_404(request.user, pk)
    form = TeamForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        with form_refusal(form):
            team = services.create_team(organisation, actor=request.user, **data)
            messages.success(request, _("The team %(name)s was created.") % {"name": team.name})
            return redirect("teams", pk=organisation.pk)
    team_list = teams_with_member_count(organisation.pk)
    return render(
        request,
        "partners/teams.html",
        {"organisation": organisation, "teams": team_list, "form": form},
    )


@login_required
def team_edit(request, pk: int, team_pk: int):
    organisation = get_managed_organisation_or_404(request.user, pk)
    team = get_managed_team_or_404(request.user, organisation, team_pk)
    form = TeamForm(request.POST or None, instance=team, initial={"version": team.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        with form_refusal(form):
            services.update_team(team, actor=request.user, version=version, changes=data)
            messages.success(request, _("The team was saved."))
            return redirect("teams", pk=organisation.pk)
    return render(
        request,
        "partners/team_edit.html",
        {"organisation": organisation, "team": team, "form": form},
    )


@login_required
def agreements(request):
    own = [org for org in request.principal.organisations if org.is_ocmw or org.is_partner]
    agreement_list = (
        Agreement.objects.visible_to(request.user)
        .select_related("ocmw", "partner", "proposed_by")
        .order_by("ended_at", "-proposed_at")
    )
    managed = [org for org in own if can_manage_agreements(request.user, org)]
    return render(
        request,
        "partners/agreements.html",
        {
            "agreements": agreement_list,
            "managed": managed,
            "managed_ids": {org.pk for org in managed},
        },
    )


@login_required
def agreement_propose(request, pk: int):
    proposer = get_agreement_organisation_or_404(request.user, pk)
    form = AgreementProposalForm(request.POST or None, proposer=proposer)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        other = data.pop("other")
        with form_refusal(form):
            services.propose_agreement(proposer, other, actor=request.user, **data)
            messages.success(
                request,
                _("Your proposal was sent to %(name)s. It counts once they confirm it.")
                % {"name": other.name},
            )
            return redirect("agreements")
    return render(
        request, "partners/agreement_propose.html", {"organisation": proposer, "form": form}
    )


@login_required
@require_POST
def agreement_confirm(request, agreement_pk: int):
    agreement = get_agreement_or_404(request.user, agreement_pk)
    with message_refusal(request):
        services.confirm_agreement(agreement, actor=request.user)
        messages.success(request, _("The agreement is confirmed and active."))
    return redirect("agreements")


@login_required
def agreement_end(request, agreement_pk: int):
    agreement = get_agreement_or_404(request.user, agreement_pk)
    if not any(
        can_manage_agreements(request.user, org) for org in (agreement.ocmw, agreement.partner)
    ):
        raise PermissionDenied
    form = EndAgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with message_refusal(request):
            services.end_agreement(
                agreement, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The agreement has ended."))
        return redirect("agreements")
    return render(request, "partners/agreement_end.html", {"agreement": agreement, "form": form})
