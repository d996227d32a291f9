"""Object permissions derived from memberships (and, later, agreements).

The grants are a pure function of the network: ``expected_*`` compute what
should exist, ``sync_*`` make the guardian tables match in bulk. Services call
the sync functions inside their own transaction, so a membership change and
its grants commit or roll back together. ``rebuild_grants`` does the same for
everything and reports what it had to change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from partners.models import (
    Agreement,
    Membership,
    Organisation,
    OrganisationGroupObjectPermission,
    OrganisationUserObjectPermission,
    Team,
    TeamGroupObjectPermission,
    TeamUserObjectPermission,
)

# Grant = (model name, permission codename, object id)
type Grant = tuple[str, str, int]

ARREARS_PERMS = ("view_arrears", "change_arrears")


@dataclass
class SyncReport:
    added: int = 0
    removed: int = 0
    changes: list[str] = field(default_factory=list)

    def __add__(self, other: SyncReport) -> SyncReport:
        return SyncReport(
            self.added + other.added, self.removed + other.removed, self.changes + other.changes
        )

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def _referral_targets(team: Team) -> set[int]:
    """OCMWs a referring team may send referrals to."""
    organisation = team.organisation
    owning = organisation.owning_ocmw
    if owning is not None:
        # Internal teams refer to their own OCMW without an agreement.
        return {owning.pk}
    return set(
        Agreement.objects.active()
        .filter(partner=organisation, may_refer=True)
        .values_list("ocmw_id", flat=True)
    )


def expected_team_grants(team: Team) -> set[Grant]:
    grants: set[Grant] = set()
    if team.receives_referrals:
        grants.add(("team", "receive_referrals", team.pk))
    if team.handles_arrears and team.organisation.is_ocmw:
        grants |= {("organisation", perm, team.organisation_id) for perm in ARREARS_PERMS}
    if team.submits_referrals:
        grants |= {("organisation", "refer_to", pk) for pk in _referral_targets(team)}
    return grants


def expected_user_grants(user_id: int) -> set[Grant]:
    grants: set[Grant] = set()
    memberships = Membership.objects.filter(user_id=user_id).select_related("team__organisation")
    for membership in memberships:
        org_id = membership.team.organisation_id
        if membership.role == Membership.Role.ADMIN:
            grants.add(("organisation", "manage_members", org_id))
            if membership.team.organisation.is_partner:
                # Small partner organisations rarely have a separate coordinator.
                grants.add(("organisation", "manage_agreements", org_id))
        elif membership.role == Membership.Role.PRIVACY and membership.team.organisation.is_ocmw:
            grants.add(("organisation", "export_personal_data", org_id))
        elif membership.role == Membership.Role.COORDINATOR:
            grants.add(("organisation", "manage_agreements", org_id))
            if membership.team.plans_sessions:
                grants.add(("organisation", "plan_sessions", org_id))
    # Arrears access is never a personal grant: only arrears-handling team
    # groups hold it, so no role (admin included) can give it to a person.
    return {grant for grant in grants if grant[1] not in ARREARS_PERMS}


_TABLES: dict[tuple[str, str], type[Any]] = {
    ("organisation", "group"): OrganisationGroupObjectPermission,
    ("organisation", "user"): OrganisationUserObjectPermission,
    ("team", "group"): TeamGroupObjectPermission,
    ("team", "user"): TeamUserObjectPermission,
}
_MODELS = {"organisation": Organisation, "team": Team}


def _permission_ids() -> dict[tuple[str, str], int]:
    types = ContentType.objects.get_for_models(*_MODELS.values())
    by_type = {
        ct.pk: name for name, model in _MODELS.items() for m, ct in types.items() if m is model
    }
    return {
        (by_type[p.content_type_id], p.codename): p.pk
        for p in Permission.objects.filter(content_type__in=types.values())
    }


def _sync(holder_field: str, holder_id: int, expected: set[Grant]) -> SyncReport:
    perm_ids = _permission_ids()
    codename_of = {pk: key for key, pk in perm_ids.items()}
    report = SyncReport()
    for model_name in _MODELS:
        table = _TABLES[(model_name, holder_field)]
        rows = table.objects.filter(**{f"{holder_field}_id": holder_id}).values_list(
            "pk", "permission_id", "content_object_id"
        )
        current = {
            (codename_of[perm_id][1], obj_id): pk
            for pk, perm_id, obj_id in rows
            if codename_of.get(perm_id, ("",))[0] == model_name
        }
        wanted = {(perm, obj_id) for name, perm, obj_id in expected if name == model_name}
        stale = [pk for key, pk in current.items() if key not in wanted]
        missing = wanted - current.keys()
        if stale:
            table.objects.filter(pk__in=stale).delete()
        table.objects.bulk_create(
            table(
                **{f"{holder_field}_id": holder_id},
                permission_id=perm_ids[(model_name, perm)],
                content_object_id=obj_id,
            )
            for perm, obj_id in missing
        )
        changes = [
            f"- {holder_field} {holder_id}: {perm} on {model_name} {obj_id}"
            for (perm, obj_id), pk in current.items()
            if pk in stale
        ] + [
            f"+ {holder_field} {holder_id}: {perm} on {model_name} {obj_id}"
            for perm, obj_id in missing
        ]
        report += SyncReport(added=len(missing), removed=len(stale), changes=changes)
    return report


def sync_team_grants(teams: Iterable[Team]) -> SyncReport:
    report = SyncReport()
    for team in teams:
        report += _sync("group", team.group_id, expected_team_grants(team))
    return report


def sync_user_grants(user_ids: Iterable[int]) -> SyncReport:
    report = SyncReport()
    for user_id in set(user_ids):
        report += _sync("user", user_id, expected_user_grants(user_id))
    return report


def rebuild_grants() -> SyncReport:
    """Recompute every grant from the network; return what had to change."""
    from portal.core.models import User

    teams = Team.objects.select_related("organisation__parent")
    report = sync_team_grants(teams)
    # Users who hold grants but have no membership any more are included too.
    user_ids = set(Membership.objects.values_list("user_id", flat=True))
    user_ids |= set(OrganisationUserObjectPermission.objects.values_list("user_id", flat=True))
    user_ids |= set(TeamUserObjectPermission.objects.values_list("user_id", flat=True))
    report += sync_user_grants(User.objects.filter(pk__in=user_ids).values_list("pk", flat=True))
    return report
