"""Writes to the partner network. Each service checks permission, writes in
one transaction, updates the derived object permissions and the audit log."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.grants import sync_team_grants, sync_user_grants
from partners.models import Agreement, Membership, Organisation, Team
from partners.permissions import (
    can_administer_members,
    can_manage_agreements,
    can_manage_members,
    can_set_arrears_handling,
)
from portal.core import audit
from portal.core.exceptions import ActionRefused
from portal.core.versions import changes_to, lock_version, save_changes, save_new_version


def _group_name(organisation: Organisation, name: str) -> str:
    return f"team:{organisation.pk}:{name}"[:150]


@transaction.atomic
def create_team(
    organisation: Organisation,
    *,
    actor,
    name: str,
    submits_referrals: bool = False,
    receives_referrals: bool = False,
    receives_water: bool = False,
    receives_energy: bool = False,
    receives_general: bool = False,
    plans_sessions: bool = False,
    capacity_per_worker: int = 25,
) -> Team:
    """Create a team (and its group). Arrears handling is set only by a platform admin."""
    if not can_administer_members(actor, organisation):
        raise PermissionDenied
    if Team.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ActionRefused(_("This organisation already has a team with that name."))
    group = Group.objects.create(name=_group_name(organisation, name))
    team = Team.objects.create(
        organisation=organisation,
        name=name,
        group=group,
        submits_referrals=submits_referrals,
        receives_referrals=receives_referrals,
        receives_water=receives_water,
        receives_energy=receives_energy,
        receives_general=receives_general,
        plans_sessions=plans_sessions,
        capacity_per_worker=capacity_per_worker,
    )
    sync_team_grants([team])
    audit.record("team.created", team, actor=actor, organisation=organisation)
    return team


def _add_membership(team: Team, user, role: str) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, team=team, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    team.group.user_set.add(user)
    sync_user_grants([user.pk])
    return membership


@transaction.atomic
def add_membership(team: Team, user, *, actor, role: str = Membership.Role.MEMBER) -> Membership:
    """Put ``user`` in ``team``. An admin can never add themselves to an arrears team."""
    if not can_administer_members(actor, team.organisation):
        raise PermissionDenied
    if team.handles_arrears and user.pk == actor.pk:
        raise ActionRefused(
            _("You cannot give yourself access to arrears. Ask another admin of your organisation.")
        )
    membership = _add_membership(team, user, role)
    audit.record(
        "membership.added",
        membership,
        actor=actor,
        organisation=team.organisation,
        data={"user": user.pk, "team": team.pk, "role": role},
    )
    return membership


def admit_invited_member(team: Team, user, *, role: str) -> Membership:
    """Join ``team`` through an accepted invitation.

    The organisation admin's permission was checked when the invitation was
    made; the caller (``partners.invitations.accept_invitation``) holds the lock on
    the invitation and writes the audit entry.
    """
    return _add_membership(team, user, role)


@transaction.atomic
def remove_membership(membership: Membership, *, actor) -> None:
    """Take a person out of a team; their grants through that team go with it."""
    team = membership.team
    if not can_administer_members(actor, team.organisation):
        raise PermissionDenied
    if membership.role == Membership.Role.ADMIN and membership.user_id == actor.pk:
        others = Membership.objects.filter(
            team__organisation=team.organisation, role=Membership.Role.ADMIN
        ).exclude(user=actor)
        if not others.exists():
            raise ActionRefused(
                _("You are the last admin of this organisation. Make someone else admin first.")
            )
    user = membership.user
    audit.record(
        "membership.removed",
        membership,
        actor=actor,
        organisation=team.organisation,
        data={"user": user.pk, "team": team.pk, "role": membership.role},
    )
    membership.delete()
    team.group.user_set.remove(user)
    sync_user_grants([user.pk])


ORGANISATION_PROFILE_FIELDS = (
    "name",
    "street",
    "postcode",
    "email",
    "phone",
    "website",
    "opening_hours",
    "languages",
    "offers",
    "accessibility",
    "description",
)


@transaction.atomic
def update_organisation(
    organisation: Organisation, *, actor, version: int, changes: dict
) -> Organisation:
    """Edit the public profile. An edit based on an older version is refused."""
    if not can_manage_members(actor, organisation):
        raise PermissionDenied
    locked = lock_version(organisation, version)
    changed = changes_to(locked, changes, ORGANISATION_PROFILE_FIELDS)
    save_changes(locked, changed, also=["updated_at"])
    audit.record(
        "organisation.updated",
        locked,
        actor=actor,
        organisation=locked,
        data={"fields": sorted(changed)},
    )
    return locked


TEAM_SETTING_FIELDS = (
    "name",
    "submits_referrals",
    "receives_referrals",
    "receives_water",
    "receives_energy",
    "receives_general",
    "plans_sessions",
    "capacity_per_worker",
)


@transaction.atomic
def update_team(team: Team, *, actor, version: int, changes: dict) -> Team:
    """Change a team's name and flags. Arrears handling is not among them: only a
    platform admin sets it, so no organisation admin can open arrears to a team."""
    if not can_administer_members(actor, team.organisation):
        raise PermissionDenied
    locked = lock_version(team, version, related=["organisation"])
    if "handles_arrears" in changes:
        raise PermissionDenied
    new_name = changes.get("name", locked.name)
    if (
        new_name != locked.name
        and Team.objects.filter(organisation=locked.organisation, name__iexact=new_name)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ActionRefused(_("This organisation already has a team with that name."))
    changed = changes_to(locked, changes, TEAM_SETTING_FIELDS)
    save_changes(locked, changed)
    sync_team_grants([locked])
    sync_user_grants(locked.memberships.values_list("user_id", flat=True))
    audit.record(
        "team.updated",
        locked,
        actor=actor,
        organisation=locked.organisation,
        data={"fields": sorted(changed)},
    )
    return locked


@transaction.atomic
def set_arrears_handling(team: Team, *, actor, version: int, handles: bool) -> Team:
    """Open (or close) a team's access to its OCMW's arrears. Only a platform admin
    does this, never for a team they belong to; the audit keeps the old and new value."""
    if not can_set_arrears_handling(actor):
        raise PermissionDenied
    locked = lock_version(team, version, related=["organisation"])
    if handles and not locked.organisation.is_ocmw:
        raise ActionRefused(_("Only a team of an OCMW can handle arrears."))
    if handles and locked.memberships.filter(user_id=actor.pk).exists():
        raise ActionRefused(
            _("You cannot give your own team access to arrears. Ask another platform admin.")
        )
    if locked.handles_arrears == handles:
        return locked
    save_changes(locked, {"handles_arrears": handles})
    sync_team_grants([locked])
    sync_user_grants(locked.memberships.values_list("user_id", flat=True))
    audit.record(
        "team.arrears_handling",
        locked,
        actor=actor,
        organisation=locked.organisation,
        data={"from": not handles, "to": handles},
    )
    return locked


def _sync_agreement_grants(agreement: Agreement) -> None:
    sync_team_grants(
        Team.objects.filter(organisation=agreement.partner).select_related("organisation")
    )


@transaction.atomic
def propose_agreement(
    proposer: Organisation,
    other: Organisation,
    *,
    actor,
    may_refer: bool,
    may_cohost: bool,
    may_be_named: bool,
    valid_from,
    valid_until=None,
    note: str = "",
) -> Agreement:
    """One side proposes; the agreement only counts once the other side confirms."""
    if not can_manage_agreements(actor, proposer):
        raise PermissionDenied
    if proposer.is_ocmw == other.is_ocmw or not (proposer.is_ocmw or proposer.is_partner):
        raise ActionRefused(_("An agreement is always between an OCMW and a partner."))
    if not (other.is_ocmw or other.is_partner):
        raise ActionRefused(_("An agreement is always between an OCMW and a partner."))
    ocmw, partner = (proposer, other) if proposer.is_ocmw else (other, proposer)
    if valid_until is not None and valid_until < valid_from:
        raise ActionRefused(_("The end date comes before the start date."))
    if Agreement.objects.filter(ocmw=ocmw, partner=partner, ended_at__isnull=True).exists():
        raise ActionRefused(
            _("There already is an agreement between these organisations. End it first.")
        )
    agreement = Agreement.objects.create(
        ocmw=ocmw,
        partner=partner,
        may_refer=may_refer,
        may_cohost=may_cohost,
        may_be_named=may_be_named,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note,
        proposed_by=proposer,
        ocmw_contact=actor if proposer.is_ocmw else None,
        partner_contact=actor if proposer.is_partner else None,
    )
    audit.record("agreement.proposed", agreement, actor=actor, organisation=proposer)
    return agreement


@transaction.atomic
def confirm_agreement(agreement: Agreement, *, actor) -> Agreement:
    """The side that did not propose confirms; from then on the grants follow."""
    agreement = (
        Agreement.objects.select_for_update().select_related("ocmw", "partner").get(pk=agreement.pk)
    )
    other = agreement.other_side(agreement.proposed_by)
    if not can_manage_agreements(actor, other):
        raise PermissionDenied
    if agreement.status != "proposed":
        raise ActionRefused(_("Only a proposed agreement can be confirmed."))
    agreement.confirmed_at = timezone.now()
    agreement.confirmed_by = actor
    if other.is_ocmw:
        agreement.ocmw_contact = agreement.ocmw_contact or actor
    else:
        agreement.partner_contact = agreement.partner_contact or actor
    save_new_version(agreement, ["confirmed_at", "confirmed_by", "ocmw_contact", "partner_contact"])
    _sync_agreement_grants(agreement)
    audit.record("agreement.confirmed", agreement, actor=actor, organisation=other)
    return agreement


@transaction.atomic
def end_agreement(agreement: Agreement, *, actor, reason: str = "") -> Agreement:
    """Either side ends it (or withdraws a proposal); the right to refer goes at once."""
    agreement = (
        Agreement.objects.select_for_update().select_related("ocmw", "partner").get(pk=agreement.pk)
    )
    side = next(
        (org for org in (agreement.ocmw, agreement.partner) if can_manage_agreements(actor, org)),
        None,
    )
    if side is None:
        raise PermissionDenied
    if agreement.ended_at is not None:
        raise ActionRefused(_("This agreement has already ended."))
    agreement.ended_at = timezone.now()
    agreement.ended_by = actor
    save_new_version(agreement, ["ended_at", "ended_by"])
    _sync_agreement_grants(agreement)
    audit.record(
        "agreement.ended", agreement, actor=actor, organisation=side, data={"reason": reason}
    )
    return agreement
