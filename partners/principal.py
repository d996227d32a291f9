"""Who is asking, and what may they do: the one reader of memberships and grants.

A ``Principal`` is built once per request (from the session or the API token)
in two queries: the person's memberships with their teams and organisations,
and every object grant they hold, personally or through a team group, in one
UNION over the guardian tables. Everything else asks it:

- every ``visible_to`` and named rule (``referrals.cases.permissions``,
  ``training.permissions``…) takes a principal, or a user it turns into one;
- the navigation, the dashboards and the two-step-login check read its roles;
- "who else" questions (the arrears workers of an OCMW, the planners of an
  organisation, the members of a team) are the functions at the end of this
  module.

The guardian tables stay the stored truth. They are written only by the grant
services (``partners.grants``), and read only here. Django's superuser flag
opens nothing: roles come from memberships (DESIGN.md), so a superuser without
a team gets the same "no" from every rule and every list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Value

from partners.models import (
    Membership,
    Organisation,
    OrganisationGroupObjectPermission,
    OrganisationUserObjectPermission,
    Team,
    TeamGroupObjectPermission,
    TeamUserObjectPermission,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from portal.core.models import User

# (kind, the user-grant model, the group-grant model). Other apps add their
# per-object exception grants here when they load (see ``register_grant_tables``).
_GRANT_TABLES: list[tuple[str, type[Any], type[Any]]] = [
    ("organisation", OrganisationUserObjectPermission, OrganisationGroupObjectPermission),
    ("team", TeamUserObjectPermission, TeamGroupObjectPermission),
]


def register_grant_tables(kind: str, user_table: type[Any], group_table: type[Any]) -> None:
    """Let the principal read an app's own direct foreign-key guardian tables.

    Called from an ``AppConfig.ready`` (referrals registers its per-referral
    exception grants), so the network never imports the apps above it.
    """
    if all(existing != kind for existing, _u, _g in _GRANT_TABLES):
        _GRANT_TABLES.append((kind, user_table, group_table))


type Grants = dict[tuple[str, str], frozenset[int]]


@dataclass(frozen=True, eq=False)
class Principal:
    """A person's memberships and grants, read once; every rule is a question to it."""

    user: Any = None
    memberships: tuple[Membership, ...] = ()
    is_platform_admin: bool = False

    # Building -------------------------------------------------------------------------

    @classmethod
    def of(cls, user: User | None) -> Principal:
        """Read a person's principal: at most two queries, none for the anonymous.

        The memberships are read at once (the navigation needs them on every
        page); the grants when a rule first asks.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return cls(user=user)
        memberships = tuple(
            Membership.objects.filter(user_id=user.pk).select_related("team__organisation__parent")
        )
        return cls(user=user, memberships=memberships, is_platform_admin=user.is_staff)

    @cached_property
    def grants(self) -> Grants:
        """Every object grant, by (kind, codename): one query, the first time it is asked."""
        if not self.memberships and not self.is_authenticated:
            return {}
        group_ids = [m.team.group_id for m in self.memberships if m.team.group_id]
        return _read_grants(self.user.pk, group_ids)

    # Who ------------------------------------------------------------------------------

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None and self.user.is_authenticated

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.is_authenticated else None

    @cached_property
    def team_ids(self) -> frozenset[int]:
        return frozenset(m.team_id for m in self.memberships)

    @cached_property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(m.team.organisation_id for m in self.memberships)

    @property
    def is_member(self) -> bool:
        """Belongs to at least one team (without one, a person sees nothing)."""
        return bool(self.memberships)

    def is_in_team(self, team_id: int | None) -> bool:
        return team_id in self.team_ids

    def has_role_in_team(self, team_id: int | None, role: str) -> bool:
        return any(m.team_id == team_id and m.role == role for m in self.memberships)

    def coordinates_team(self, team_id: int | None) -> bool:
        return self.has_role_in_team(team_id, Membership.Role.COORDINATOR)

    def handles_arrears_in(self, ocmw_id: int | None) -> bool:
        """A member of one of the OCMW's arrears-handling teams (its grant holders)."""
        return ocmw_id in self.arrears_ocmw_ids

    # Grants ---------------------------------------------------------------------------

    def _ids(self, kind: str, codename: str) -> frozenset[int]:
        return self.grants.get((kind, codename), frozenset())

    @property
    def arrears_ocmw_ids(self) -> frozenset[int]:
        """OCMWs whose arrears this person may read (arrears-team grant, never personal)."""
        return self._ids("organisation", "view_arrears")

    @property
    def arrears_change_ocmw_ids(self) -> frozenset[int]:
        return self._ids("organisation", "change_arrears")

    @property
    def refer_to_ocmw_ids(self) -> frozenset[int]:
        return self._ids("organisation", "refer_to")

    @property
    def receiving_team_ids(self) -> frozenset[int]:
        return self._ids("team", "receive_referrals")

    @property
    def managed_organisation_ids(self) -> frozenset[int]:
        return self._ids("organisation", "manage_members")

    @property
    def agreement_organisation_ids(self) -> frozenset[int]:
        return self._ids("organisation", "manage_agreements")

    @property
    def planning_organisation_ids(self) -> frozenset[int]:
        return self._ids("organisation", "plan_sessions")

    @property
    def privacy_organisation_ids(self) -> frozenset[int]:
        return self._ids("organisation", "export_personal_data")

    def object_ids(self, kind: str) -> frozenset[int]:
        """Ids of ``kind`` objects granted one by one, whatever the permission (e.g.
        referrals shared by exception with a team or an accompanying worker)."""
        return frozenset().union(*(ids for (k, _c), ids in self.grants.items() if k == kind))

    # Named questions (the rules of partners.permissions ask these) --------------------

    def may_view_arrears(self, ocmw_id: int | None) -> bool:
        return ocmw_id in self.arrears_ocmw_ids

    def may_change_arrears(self, ocmw_id: int | None) -> bool:
        return ocmw_id in self.arrears_change_ocmw_ids

    def may_refer_to(self, ocmw_id: int | None) -> bool:
        return ocmw_id in self.refer_to_ocmw_ids

    def receives_for(self, team_id: int | None) -> bool:
        return team_id in self.receiving_team_ids

    def manages_members_of(self, organisation_id: int | None) -> bool:
        return organisation_id in self.managed_organisation_ids

    def manages_agreements_of(self, organisation_id: int | None) -> bool:
        return organisation_id in self.agreement_organisation_ids

    def plans_sessions_for(self, organisation_id: int | None) -> bool:
        return organisation_id in self.planning_organisation_ids

    # Roles (navigation and dashboards) ------------------------------------------------

    def _any(self, predicate: Callable[[Membership], bool]) -> bool:
        return any(predicate(m) for m in self.memberships)

    @property
    def is_partner_worker(self) -> bool:
        return self._any(lambda m: m.team.submits_referrals and m.team.organisation.is_partner)

    @property
    def is_internal_worker(self) -> bool:
        """A member of an OCMW team that refers but never sees arrears (e.g. Samenlevingsopbouw)."""
        return self._any(
            lambda m: (
                m.team.submits_referrals
                and not m.team.organisation.is_partner
                and not m.team.handles_arrears
            )
        )

    @property
    def is_social_worker(self) -> bool:
        return self._any(lambda m: m.team.receives_referrals or m.team.handles_arrears)

    @property
    def is_arrears_worker(self) -> bool:
        """A member of an OCMW team that handles arrears (cases, LAC sessions)."""
        return self._any(lambda m: m.team.handles_arrears and m.team.organisation.is_ocmw)

    @property
    def is_coordinator(self) -> bool:
        return self._any(lambda m: m.role == Membership.Role.COORDINATOR)

    @property
    def is_privacy_officer(self) -> bool:
        return self._any(lambda m: m.role == Membership.Role.PRIVACY)

    @property
    def is_org_admin(self) -> bool:
        return self._any(lambda m: m.role == Membership.Role.ADMIN)

    @property
    def needs_mfa(self) -> bool:
        """Members of arrears teams, organisation admins, privacy officers (they export
        arrears), members of an organisation that asks for it, and platform admins must
        use two-step login."""
        return self.is_platform_admin or self._any(
            lambda m: (
                m.team.handles_arrears
                or m.role in (Membership.Role.ADMIN, Membership.Role.PRIVACY)
                or m.team.organisation.mfa_required
            )
        )

    @property
    def organisations(self) -> list[Organisation]:
        seen: dict[int, Organisation] = {}
        for m in self.memberships:
            seen.setdefault(m.team.organisation_id, m.team.organisation)
        return list(seen.values())

    @property
    def admin_organisations(self) -> list[Organisation]:
        seen: dict[int, Organisation] = {}
        for m in self.memberships:
            if m.role == Membership.Role.ADMIN:
                seen.setdefault(m.team.organisation_id, m.team.organisation)
        return list(seen.values())

    @property
    def labels(self) -> list[str]:
        from django.utils.translation import gettext as _

        names = [
            (self.is_partner_worker, _("Partner worker")),
            (self.is_internal_worker, _("Internal team")),
            (self.is_social_worker, _("OCMW social worker")),
            (self.is_coordinator, _("Coordinator")),
            (self.is_org_admin, _("Organisation admin")),
            (self.is_privacy_officer, _("Privacy officer")),
            (self.is_platform_admin, _("Platform admin")),
        ]
        return [label for holds, label in names if holds]


def _read_grants(user_id: int, group_ids: Iterable[int]) -> Grants:
    """Every object grant of the person and their team groups, in one UNION ALL."""
    group_ids = list(group_ids)
    parts = []
    for kind, user_table, group_table in _GRANT_TABLES:
        columns = (Value(kind), "permission__codename", "content_object_id")
        parts.append(user_table.objects.filter(user_id=user_id).values_list(*columns))
        if group_ids:
            parts.append(group_table.objects.filter(group_id__in=group_ids).values_list(*columns))
    collected: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
    for kind, codename, object_id in parts[0].union(*parts[1:], all=True):
        collected[(kind, codename)].add(object_id)
    return {key: frozenset(ids) for key, ids in collected.items()}


# Reaching the principal ----------------------------------------------------------------

ANONYMOUS = Principal()
# The attribute that marks a user object as a request's own (see as_principal).
# Its value matches portal.core.api_auth, which marks the users of API tokens.
REQUEST_USER_MARK = "is_request_user"


def as_principal(who: Principal | User | None) -> Principal:
    """The principal of ``who``: itself, the one its request already built, or a new one.

    Views pass ``request.user``. That user object is marked as the request's
    (``REQUEST_USER_MARK``, set by ``PrincipalMiddleware`` for a session and by
    the API's token authentication), so its principal is built once and kept on
    it for the rest of the request. Any other user (one a test or a command
    holds) gets a fresh principal each time, never a stale one.
    """
    if isinstance(who, Principal):
        return who
    if who is None:
        return ANONYMOUS
    cached = getattr(who, "_principal", None)
    if cached is not None:
        return cached
    principal = Principal.of(who)
    if getattr(who, REQUEST_USER_MARK, False):
        setattr(who, "_principal", principal)  # noqa: B010  (User has no such field)
    return principal


def principal_of(request) -> Principal:
    """The principal of the request's current user, built once for the request.

    An API request changes ``request.user`` when DRF reads the token, so the
    principal is kept on the user object rather than on the request.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    setattr(user, REQUEST_USER_MARK, True)
    return as_principal(user)


# Other people (assignment lists, notifications, the members page) ---------------------
#
# Questions about someone other than the person asking: who is in a team, who
# handles an OCMW's arrears. They are here so that memberships and the
# ``handles_arrears`` flag are read in one module only.


def people_in_team(team_id: int, *, role: str | None = None) -> QuerySet[Any]:
    """Active members of a team (optionally with one role)."""
    from portal.core.models import User

    members = Membership.objects.filter(team_id=team_id)
    if role:
        members = members.filter(role=role)
    return User.objects.filter(is_active=True, pk__in=members.values("user_id"))


def people_in_arrears_teams(ocmw_id: int, *, role: str | None = None) -> QuerySet[Any]:
    """Active members of the OCMW's arrears-handling teams (optionally with one role)."""
    from portal.core.models import User

    members = Membership.objects.filter(team__organisation_id=ocmw_id, team__handles_arrears=True)
    if role:
        members = members.filter(role=role)
    return User.objects.filter(is_active=True, pk__in=members.values("user_id"))


def is_member_of_team(user_id: int, team_id: int) -> bool:
    """Whether someone else (a worker being assigned) belongs to a team."""
    return Membership.objects.filter(user_id=user_id, team_id=team_id).exists()


def handles_arrears_for(user_id: int, ocmw_id: int) -> bool:
    """Whether someone else (a worker a case is given to) is in one of the OCMW's arrears teams."""
    return Membership.objects.filter(
        user_id=user_id, team__organisation_id=ocmw_id, team__handles_arrears=True
    ).exists()


def team_handles_arrears(team: Team) -> bool:
    return team.handles_arrears


def arrears_teams_of(ocmw_id: int) -> QuerySet[Team]:
    """The OCMW's teams that handle arrears, by name."""
    return Team.objects.filter(organisation_id=ocmw_id, handles_arrears=True).order_by("name")


def arrears_teams_first(teams: QuerySet[Team]) -> QuerySet[Team]:
    """Teams with the arrears-handling ones first (routing prefers them), then by name."""
    return teams.order_by("-handles_arrears", "name")


def members_of_organisation(organisation_id: int) -> QuerySet[Any]:
    """The user ids of an organisation's members, as a subquery."""
    return Membership.objects.filter(team__organisation_id=organisation_id).values("user_id")


def is_member_of_organisation(user_id: int, organisation_id: int) -> bool:
    return Membership.objects.filter(
        user_id=user_id, team__organisation_id=organisation_id
    ).exists()


def memberships_of_organisation(organisation_id: int) -> QuerySet[Membership]:
    """An organisation's memberships with their people and teams (the members page)."""
    return (
        Membership.objects.filter(team__organisation_id=organisation_id)
        .select_related("user", "team")
        .order_by("user__full_name", "team__name")
    )


def membership_by_id(pk: int) -> Membership | None:
    """One membership with its team and person (an admin removing it checks the team)."""
    return Membership.objects.select_related("team", "user").filter(pk=pk).first()


def teams_with_member_count(organisation_id: int) -> QuerySet[Team]:
    """An organisation's teams by name, each with ``member_count``."""
    return (
        Team.objects.filter(organisation_id=organisation_id)
        .annotate(member_count=models.Count("memberships"))
        .order_by("name")
    )


def holders_of(codename: str, organisation_id: int) -> QuerySet[Any]:
    """Active people holding ``codename`` on an organisation, personally or through a team."""
    from portal.core.models import User

    perm = {
        "permission__codename": codename,
        "permission__content_type__app_label": "partners",
        "content_object_id": organisation_id,
    }
    by_user = OrganisationUserObjectPermission.objects.filter(**perm).values("user_id")
    by_team = OrganisationGroupObjectPermission.objects.filter(**perm).values("group_id")
    in_groups = User.groups.through.objects.filter(group_id__in=by_team).values("user_id")
    return User.objects.filter(is_active=True).filter(
        models.Q(pk__in=by_user) | models.Q(pk__in=in_groups)
    )
