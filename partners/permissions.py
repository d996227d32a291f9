"""Named rules for the partner network. Views, API and templates ask these.

Each takes the person (a ``Principal``, or a user whose principal is read) and
asks the principal: nothing here reads memberships or grants itself.
"""

from __future__ import annotations

from partners.models import Agreement, Organisation, Team
from partners.principal import as_principal


def can_manage_members(who, organisation: Organisation) -> bool:
    """Organisation admins invite and remove members and manage teams."""
    return as_principal(who).manages_members_of(organisation.pk)


def can_administer_members(who, organisation: Organisation) -> bool:
    """Who may add and remove members and teams: the organisation's admins, and the
    platform admins (through the Django admin, which calls the same services)."""
    principal = as_principal(who)
    return principal.is_platform_admin or principal.manages_members_of(organisation.pk)


def can_set_arrears_handling(who) -> bool:
    """Only a platform admin opens or closes a team's access to arrears."""
    return as_principal(who).is_platform_admin


def can_manage_agreements(who, organisation: Organisation) -> bool:
    return as_principal(who).manages_agreements_of(organisation.pk)


def can_end_agreement(who, agreement: Agreement) -> bool:
    """Either side may end an agreement (or withdraw its proposal)."""
    principal = as_principal(who)
    return any(
        principal.manages_agreements_of(pk) for pk in (agreement.ocmw_id, agreement.partner_id)
    )


def agreement_organisations_managed_by(who) -> list[Organisation]:
    """The OCMWs and partners in which the person may propose and end agreements."""
    principal = as_principal(who)
    return [
        organisation
        for organisation in principal.organisations
        if (organisation.is_ocmw or organisation.is_partner)
        and principal.manages_agreements_of(organisation.pk)
    ]


def can_refer_to(who, ocmw: Organisation) -> bool:
    return as_principal(who).may_refer_to(ocmw.pk)


def can_view_arrears_of(who, ocmw: Organisation) -> bool:
    """Only members of the OCMW's arrears-handling teams hold this."""
    return as_principal(who).may_view_arrears(ocmw.pk)


def can_plan_sessions(who, organisation: Organisation) -> bool:
    return as_principal(who).plans_sessions_for(organisation.pk)


def receives_for_team(who, team: Team) -> bool:
    return as_principal(who).receives_for(team.pk)
