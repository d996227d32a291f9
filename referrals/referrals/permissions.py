"""Named rules for referrals. Views, API, templates and notifications ask these."""

from __future__ import annotations

from partners.permissions import can_refer_to
from partners.principal import as_principal
from referrals.referrals.models import Referral

__all__ = [
    "can_refer_to",
    "coordinates_receiving_team",
    "handles_arrears_of_receiver",
    "is_receiver",
    "is_referrer",
    "referrer_sees_status",
]


def is_referrer(who, referral: Referral) -> bool:
    """A member of the team that made the referral (partner or internal team)."""
    return as_principal(who).is_in_team(referral.referring_team_id)


def is_receiver(who, referral: Referral) -> bool:
    """A member of the OCMW team the referral is routed to (guardian grant on the team)."""
    return as_principal(who).receives_for(referral.receiving_team_id)


def coordinates_receiving_team(who, referral: Referral) -> bool:
    return as_principal(who).coordinates_team(referral.receiving_team_id)


def handles_arrears_of_receiver(who, referral: Referral) -> bool:
    """In an arrears team of the receiving OCMW: the referral may lead to its case."""
    return as_principal(who).may_change_arrears(referral.receiving_ocmw_id)


def referrer_sees_status(referral: Referral) -> bool:
    """Feedback to the referrer stops when the client withdraws consent or wants none."""
    consent = getattr(referral, "consent", None)
    return consent is not None and consent.allows_feedback
