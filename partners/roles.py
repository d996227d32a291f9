"""The roles of DESIGN.md, derived from a person's memberships.

Roles decide what the navigation and dashboard offer; what a person may do
with a given object is always decided by the object permissions in
``partners.permissions``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from partners.models import Membership


@dataclass(frozen=True)
class Roles:
    memberships: tuple[Membership, ...] = field(default_factory=tuple)
    is_platform_admin: bool = False

    def _any(self, predicate) -> bool:
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
    def organisations(self):
        seen = {}
        for m in self.memberships:
            seen.setdefault(m.team.organisation_id, m.team.organisation)
        return list(seen.values())

    @property
    def admin_organisations(self):
        seen = {}
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


def roles_for(user) -> Roles:
    """Load a person's memberships in one query and derive their roles."""
    if not user.is_authenticated:
        return Roles()
    memberships = tuple(
        Membership.objects.filter(user=user).select_related("team__organisation__parent")
    )
    return Roles(memberships=memberships, is_platform_admin=user.is_staff)
