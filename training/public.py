"""What training offers the apps beside it: the one read the referral form needs.

Referrals and training stay independent (see the import contracts in
pyproject.toml); this module is the only door between them.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from training.models import Session


def recent_sessions_visible_to(user):
    """Information sessions of the last year the person can see ("heard of the OCMW at")."""
    now = timezone.now()
    return (
        Session.objects.visible_to(user)
        .filter(starts_at__gte=now - timedelta(days=365), starts_at__lte=now)
        .order_by("-starts_at")
    )
