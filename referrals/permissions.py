"""Named rules for referrals. Views, API, templates and notifications ask these."""

from __future__ import annotations

from partners.models import Membership
from partners.permissions import can_refer_to
from referrals.models import Referral

__all__ = [
    "can_change_arrears",
    "can_manage_lac",
    "can_refer_to",
    "can_view_arrears",
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


def _owning_ocmw(obj):
    """The OCMW itself, or the OCMW that owns a case, LAC session or import."""
    from partners.models import Organisation

    return obj if isinstance(obj, Organisation) else obj.ocmw


def can_view_arrears(user, obj) -> bool:
    """Members of the owning OCMW's arrears-handling teams, and nobody else.

    ``obj`` is a case, a LAC session or the OCMW itself.
    """
    return user.is_authenticated and user.has_perm("partners.view_arrears", _owning_ocmw(obj))


def can_change_arrears(user, obj) -> bool:
    return user.is_authenticated and user.has_perm("partners.change_arrears", _owning_ocmw(obj))


def can_manage_lac(user, ocmw) -> bool:
    """Planning LAC sessions and importing LAC lists is arrears work."""
    return user.is_authenticated and user.has_perm("partners.change_arrears", ocmw)
