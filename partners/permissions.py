"""Named rules for the partner network. Views, API and templates ask these."""

from __future__ import annotations

from partners.models import Organisation, Team


def can_manage_members(user, organisation: Organisation) -> bool:
    """Organisation admins invite and remove members and manage teams."""
    return user.is_authenticated and user.has_perm("partners.manage_members", organisation)


def can_manage_agreements(user, organisation: Organisation) -> bool:
    return user.is_authenticated and user.has_perm("partners.manage_agreements", organisation)


def can_refer_to(user, ocmw: Organisation) -> bool:
    return user.is_authenticated and user.has_perm("partners.refer_to", ocmw)


def can_view_arrears_of(user, ocmw: Organisation) -> bool:
    """Only members of the OCMW's arrears-handling teams hold this."""
    return user.is_authenticated and user.has_perm("partners.view_arrears", ocmw)


def can_plan_sessions(user, organisation: Organisation) -> bool:
    return user.is_authenticated and user.has_perm("partners.plan_sessions", organisation)


def receives_for_team(user, team: Team) -> bool:
    return user.is_authenticated and user.has_perm("partners.receive_referrals", team)
