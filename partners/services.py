"""Writes to the partner network. Each service checks permission, writes in
one transaction, updates the derived object permissions and the audit log."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from partners.grants import sync_team_grants, sync_user_grants
from partners.models import Membership, Organisation, Team
from partners.permissions import can_manage_members
from portal import audit
from portal.exceptions import ActionRefused


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
    if not can_manage_members(actor, organisation):
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
    if not can_manage_members(actor, team.organisation):
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
    made; the caller (``portal.services.accept_invitation``) holds the lock on
    the invitation and writes the audit entry.
    """
    return _add_membership(team, user, role)


@transaction.atomic
def remove_membership(membership: Membership, *, actor) -> None:
    """Take a person out of a team; their grants through that team go with it."""
    team = membership.team
    if not can_manage_members(actor, team.organisation):
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
