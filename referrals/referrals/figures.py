"""Referral figures for coordinators: only their own organisation's referrals; and
the reply figures the directory shows of every OCMW.

Counts are grouped in the database; the coordinators' time percentiles are computed
from one narrow query of durations (an OCMW-year is hundreds to a few thousand rows).
The directory's medians are taken in SQL on PostgreSQL (the profile is read by
everyone, and the largest OCMW receives over ten thousand referrals a year).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Func, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from partners.models import Organisation
from referrals.referrals.models import Referral


@dataclass(frozen=True)
class Durations:
    count: int
    median_hours: float | None
    p90_hours: float | None

    @property
    def median_text(self) -> str:
        return human_duration(None if self.median_hours is None else self.median_hours * 3600)

    @property
    def p90_text(self) -> str:
        return human_duration(None if self.p90_hours is None else self.p90_hours * 3600)


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
        "month_totals": _month_totals(per_month),
        "outcome_rows": [
            {"label": Referral.Outcome(code).label, "value": n}
            for code, n in sorted(outcomes.items(), key=lambda item: -item[1])
            if code in Referral.Outcome.values
        ],
        "expired": by_status.get(Referral.Status.EXPIRED, 0),
        "to_acknowledge": _durations([d.total_seconds() for d in timings]),
        "to_first_contact": _durations([d.total_seconds() for d in contact]),
    }


def _month_totals(per_month: list[dict]) -> list[dict]:
    """Referrals per month, all partners (or OCMWs) together: for the chart."""
    totals: dict = {}
    for row in per_month:
        totals[row["month"]] = totals.get(row["month"], 0) + row["total"]
    return [
        {"label": date_format(month, "YEAR_MONTH_FORMAT"), "value": total}
        for month, total in totals.items()
    ]


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


class Median(Aggregate):
    """PostgreSQL's exact median (``percentile_cont``), with ``filter=`` if given."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    output_field = FloatField()


def seconds_between(start: str, end: str) -> Func:
    """PostgreSQL: the seconds from field ``start`` to field ``end``, never below zero."""
    return Func(
        F(end),
        F(start),
        template="GREATEST(EXTRACT(EPOCH FROM (%(expressions)s)), 0)",
        arg_joiner=" - ",
        output_field=FloatField(),
    )


def human_duration(seconds: float | None) -> str:
    """A duration as people say it: "less than an hour", "5 hours", "2 days"."""
    if seconds is None:
        return ""
    hours = seconds / 3600
    if hours < 1:
        return str(_("less than an hour"))
    if hours < 48:
        count = round(hours)
        return ngettext("%(count)s hour", "%(count)s hours", count) % {"count": count}
    count = round(hours / 24)
    return ngettext("%(count)s day", "%(count)s days", count) % {"count": count}


# Below this many referrals a median or a rate says more about chance than about the team.
ENOUGH_REFERRALS = 5
REPLY_DAYS = 365
TAKEN_ON = (Referral.Status.CONTACT_MADE, Referral.Status.APPOINTMENT, Referral.Status.CLOSED)


@dataclass(frozen=True)
class TeamReplies:
    """How one receiving team answered the referrals it received in the last year."""

    team_id: int
    name: str
    referrals: int = 0
    contacted: int = 0
    median_seconds: float | None = None
    taken_on: int = 0
    refused: int = 0

    @property
    def decided(self) -> int:
        return self.taken_on + self.refused

    @property
    def median_known(self) -> bool:
        return self.contacted >= ENOUGH_REFERRALS and self.median_seconds is not None

    @property
    def rate_known(self) -> bool:
        return self.decided >= ENOUGH_REFERRALS

    @property
    def median_text(self) -> str:
        return human_duration(self.median_seconds) if self.median_known else ""

    @property
    def median_hours(self) -> float | None:
        """For the chart: hours, or None when there are too few referrals to say."""
        return (self.median_seconds or 0) / 3600 if self.median_known else None

    @property
    def acceptance_percent(self) -> int | None:
        return round(100 * self.taken_on / self.decided) if self.rate_known else None


def reply_figures(ocmw: Organisation, teams, *, days: int = REPLY_DAYS) -> list[TeamReplies]:
    """Per receiving team of ``ocmw`` (``teams``, in their order), over the referrals
    submitted in the last ``days``: the median time from submission to first contact
    (``first_contact_at``: set when contact is recorded or an appointment planned, so
    it covers "contact made" and every later state) and how many were taken on
    (contact made, appointment, closed) or refused.

    Public to every logged-in person (the directory shows it): counts only. One
    GROUP BY on PostgreSQL, which takes the median itself; elsewhere one more query
    of the durations. Constant whatever the volume.
    """
    since = timezone.now() - timedelta(days=days)
    received = Referral.objects.filter(receiving_ocmw=ocmw, submitted_at__gte=since)
    contacted = Q(first_contact_at__isnull=False)
    counts = {
        "referrals": Count("id"),
        "contacted": Count("id", filter=contacted),
        "taken_on": Count("id", filter=Q(status__in=TAKEN_ON)),
        "refused": Count("id", filter=Q(status=Referral.Status.REFUSED)),
    }
    postgres = connection.vendor == "postgresql"
    if postgres:
        counts["median"] = Median(
            seconds_between("submitted_at", "first_contact_at"), filter=contacted
        )
    rows = {
        row.pop("receiving_team"): row
        for row in received.values("receiving_team").annotate(**counts).order_by()
    }
    if not postgres:
        durations: dict[int, list[float]] = {}
        pairs = received.filter(contacted).values_list(
            "receiving_team", F("first_contact_at") - F("submitted_at")
        )
        for team_id, duration in pairs:
            durations.setdefault(team_id, []).append(max(0.0, duration.total_seconds()))
        for team_id, values in durations.items():
            rows[team_id]["median"] = statistics.median(values)
    return [_team_replies(team, rows.get(team.pk, {})) for team in teams]


def _team_replies(team, row: dict) -> TeamReplies:
    return TeamReplies(
        team_id=team.pk,
        name=team.name,
        referrals=row.get("referrals", 0),
        contacted=row.get("contacted", 0),
        median_seconds=row.get("median"),
        taken_on=row.get("taken_on", 0),
        refused=row.get("refused", 0),
    )
