"""Named rules for referrals. Views, API, templates and notifications ask these."""

from __future__ import annotations

from partners.models import Membership
from partners.permissions import can_refer_to
from referrals.referrals.models import Referral

__all__ = [
    "can_refer_to",
    "coordinates_receiving_team",
    "is_receiver",
    "is_referrer",
    "referrer_sees_status",
]


def is_referrer(user, referral: Referral) -> bool:
    """A member of the team that made the referral (partner or internal team)."""
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, team_id=referral.referring_team_id).exists()
    )


def is_receiver(user, referral: Referral) -> bool:
    """A member of the OCMW team the referral is routed to (guardian grant on the team)."""
    return user.is_authenticated and user.has_perm(
        "partners.receive_referrals", referral.receiving_team
    )


def coordinates_receiving_team(user, referral: Referral) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user=user, team_id=referral.receiving_team_id, role=Membership.Role.COORDINATOR
        ).exists()
    )


def referrer_sees_status(referral: Referral) -> bool:
    """Feedback to the referrer stops when the client withdraws consent or wants none."""
    consent = getattr(referral, "consent", None)
    return consent is not None and consent.allows_feedback
