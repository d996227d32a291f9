"""Fetching is the access check for referrals."""

from __future__ import annotations

from django.http import Http404

from portal.access_log import log_access
from referrals.models import Referral


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


def get_case_for_user_or_404(user, pk: int, *, purpose: str = "case"):
    """A case of an OCMW whose arrears the person handles; 404 for everyone else,
    so nobody else can even learn that the case exists."""
    from referrals.models import Case

    case = (
        Case.objects.visible_to(user)
        .select_related("client__postcode", "ocmw", "team", "worker")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        log_access(user, "refused", "case", pk, purpose=purpose)
        raise Http404
    log_access(
        user, "read", "case", pk, purpose=purpose, client_id=case.client_id, ocmw_id=case.ocmw_id
    )
    return case


def get_lac_session_for_user_or_404(user, pk: int):
    from referrals.models import LacSession

    session = LacSession.objects.visible_to(user).select_related("ocmw").filter(pk=pk).first()
    if session is None:
        raise Http404
    return session
