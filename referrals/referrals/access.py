"""Fetching is the access check for referrals."""

from __future__ import annotations

from django.http import Http404

from portal.core.access_log import log_access
from referrals.referrals.models import Referral


def get_referral_for_user_or_404(user, pk: int, *, purpose: str = "referral") -> Referral:
    """A referral the user may see (as referrer, receiver or by exception), else 404.

    Both outcomes are written to the access log."""
    referral = (
        Referral.objects.visible_to(user)
        .select_related(
            "client__postcode__municipality",
            "referring_team__organisation",
            "receiving_team__organisation",
            "receiving_ocmw",
            "assigned_to",
            "created_by",
            "consent",
        )
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        log_access(user, "refused", "referral", pk, purpose=purpose)
        raise Http404
    log_access(
        user,
        "read",
        "referral",
        pk,
        purpose=purpose,
        client_id=referral.client_id,
        ocmw_id=referral.receiving_ocmw_id,
    )
    return referral
