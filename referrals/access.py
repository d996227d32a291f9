"""Fetching is the access check for referrals."""

from __future__ import annotations

from django.http import Http404

from referrals.models import Referral


def get_referral_for_user_or_404(user, pk: int) -> Referral:
    """A referral the user may see (as referrer, receiver or by exception), else 404."""
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
        raise Http404
    return referral
