"""Referral figures for coordinators: only their own organisation's referrals.

Counts are grouped in the database; the time percentiles are computed from one
narrow query of durations (an OCMW-year is hundreds to a few thousand rows).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth

from partners.models import Organisation
from referrals.referrals.models import Referral


@dataclass(frozen=True)
class Durations:
    count: int
    median_hours: float | None
    p90_hours: float | None


def _durations(values: list[float]) -> Durations:
    if not values:
        return Durations(0, None, None)
    hours = sorted(v / 3600 for v in values)
    p90 = hours[0] if len(hours) == 1 else statistics.quantiles(hours, n=10, method="inclusive")[8]
    return Durations(len(hours), round(statistics.median(hours), 1), round(p90, 1))


def referral_figures(organisation: Organisation, *, start: date, end: date) -> dict:
    """Figures for referrals received (an OCMW) or sent (a partner) in [start, end)."""
    side = "receiving_ocmw" if organisation.is_ocmw else "referring_team__organisation"
    referrals = Referral.objects.filter(
        **{side: organisation},
        submitted_at__date__gte=start,
        submitted_at__date__lt=end,
    )
    group = "referring_team__organisation__name" if organisation.is_ocmw else "receiving_ocmw__name"
    per_month = list(
        referrals.annotate(month=TruncMonth("submitted_at"))
        .values("month", group)
        .annotate(total=Count("id"))
        .order_by("month", group)
    )
    outcomes = dict(
        referrals.filter(status=Referral.Status.CLOSED)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_status = dict(referrals.values_list("status").annotate(n=Count("id")).order_by())
    timings = referrals.filter(acknowledged_at__isnull=False).values_list(
        F("acknowledged_at") - F("submitted_at"), flat=True
    )
    contact = referrals.filter(first_contact_at__isnull=False).values_list(
        F("first_contact_at") - F("submitted_at"), flat=True
    )
    return {
        "total": referrals.count(),
        "per_month": [
            {"month": row["month"], "other": row[group], "total": row["total"]} for row in per_month
        ],
        "by_status": by_status,
        "outcomes": outcomes,
        "expired": by_status.get(Referral.Status.EXPIRED, 0),
        "to_acknowledge": _durations([d.total_seconds() for d in timings]),
        "to_first_contact": _durations([d.total_seconds() for d in contact]),
    }


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months, up to and including today."""
    return today - timedelta(days=365), today + timedelta(days=1)


def organisations_for_figures(user) -> list[Organisation]:
    """Organisations whose figures the person may read: where they manage agreements."""
    from partners.permissions import can_manage_agreements

    candidates = Organisation.objects.for_member(user).filter(
        ~Q(kind__in=[Organisation.Kind.WATER_COMPANY])
    )
    return [org for org in candidates if can_manage_agreements(user, org)]


def response_time(ocmw: Organisation, *, days: int = 90) -> dict:
    """How quickly an OCMW acknowledges referrals: median over the last ``days``.

    Public to every logged-in person (the directory shows it); counts only, no
    referral or client data.
    """
    from django.utils import timezone

    since = timezone.now() - timedelta(days=days)
    durations = Referral.objects.filter(
        receiving_ocmw=ocmw, submitted_at__gte=since, acknowledged_at__isnull=False
    ).values_list(F("acknowledged_at") - F("submitted_at"), flat=True)
    hours = sorted(d.total_seconds() / 3600 for d in durations)
    if not hours:
        return {"count": 0, "median_hours": None}
    return {"count": len(hours), "median_hours": round(statistics.median(hours), 1)}
