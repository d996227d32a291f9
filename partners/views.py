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
    get_endable_agreement_or_404,
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
from partners.permissions import (
    agreement_organisations_managed_by,
    can_manage_members,
)
from partners.principal import memberships_of_organisation, teams_with_member_count
from portal.core.models import Invitation
from portal.core.pagination import page_of
from portal.core.views import done, form_refusal, message_refusal

DIRECTORY_PAGE_SIZE = 20


@login_required
def members(request, pk: int):
    organisation = get_managed_organisation_or_404(request.user, pk)
    form = InvitationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        base_url = request.build_absolute_uri("/")
        with form_refusal(form):
            invitation = account_services.invite_member(
                actor=request.user, base_url=base_url, **form.cleaned_data
            )
            message = _("Invitation sent to %(email)s.") % {"email": invitation.email}
            return done(request, message, "members", pk=organisation.pk)
    return render(
        request,
        "partners/members.html",
        {
            "organisation": organisation,
            "memberships": memberships_of_organisation(organisation.pk),
            "invitations": Invitation.objects.pending().of_organisation(organisation.pk),
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
            gone = {"name": membership.user, "team": membership.team.name}
            messages.success(request, _("%(name)s is no longer a member of %(team)s.") % gone)
        return redirect("members", pk=organisation.pk)
    return render(request, "partners/remove_member.html", {"membership": membership})


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
    organisations = Organisation.objects.visible_to(request.user).for_directory()
    filterset = OrganisationFilter(request.GET, queryset=organisations)
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
    form = OrganisationProfileForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            services.update_organisation(organisation, actor=request.user, **form.edit())
            return done(request, _("The profile was saved."), "organisation_detail", pk=pk)
    context = {"organisation": organisation, "form": form}
    return render(request, "partners/organisation_edit.html", context)


@login_required
def teams(request, pk: int):
    organisation = get_managed_organisation_or_404(request.user, pk)
    form = TeamForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            team = services.create_team(organisation, actor=request.user, **form.changes())
            message = _("The team %(name)s was created.") % {"name": team.name}
            return done(request, message, "teams", pk=organisation.pk)
    context = {"organisation": organisation, "teams": teams_with_member_count(pk), "form": form}
    return render(request, "partners/teams.html", context)


@login_required
def team_edit(request, pk: int, team_pk: int):
    organisation = get_managed_organisation_or_404(request.user, pk)
    team = get_managed_team_or_404(request.user, organisation, team_pk)
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            services.update_team(team, actor=request.user, **form.edit())
            return done(request, _("The team was saved."), "teams", pk=organisation.pk)
    context = {"organisation": organisation, "team": team, "form": form}
    return render(request, "partners/team_edit.html", context)


@login_required
def agreements(request):
    managed = agreement_organisations_managed_by(request.principal)
    context = {
        "agreements": Agreement.objects.visible_to(request.user).for_list(),
        "managed": managed,
        "managed_ids": {org.pk for org in managed},
    }
    return render(request, "partners/agreements.html", context)


@login_required
def agreement_propose(request, pk: int):
    proposer = get_agreement_organisation_or_404(request.user, pk)
    form = AgreementProposalForm(request.POST or None, proposer=proposer)
    if request.method == "POST" and form.is_valid():
        terms = dict(form.cleaned_data)
        other = terms.pop("other")
        with form_refusal(form):
            services.propose_agreement(proposer, other, actor=request.user, **terms)
            message = _("Your proposal was sent to %(name)s. It counts once they confirm it.")
            return done(request, message % {"name": other.name}, "agreements")
    context = {"organisation": proposer, "form": form}
    return render(request, "partners/agreement_propose.html", context)


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
    agreement = get_endable_agreement_or_404(request.user, agreement_pk)
    form = EndAgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with message_refusal(request):
            services.end_agreement(agreement, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The agreement has ended."))
        return redirect("agreements")
    return render(request, "partners/agreement_end.html", {"agreement": agreement, "form": form})
