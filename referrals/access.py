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


def get_case_for_user_or_404(user, pk: int):
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
        raise Http404
    return case


def get_lac_session_for_user_or_404(user, pk: int):
    from referrals.models import LacSession

    session = LacSession.objects.visible_to(user).select_related("ocmw").filter(pk=pk).first()
    if session is None:
        raise Http404
    return session
