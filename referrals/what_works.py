"""The what-works report: which ways of reaching clients work, for one OCMW and period.

Counting happens in the database (GROUP BY over the attempts of one OCMW in a
period, on the (ocmw, moment) index); only the per-case time to first contact
is computed in Python, from one narrow query. Every rate travels with its
counts so small numbers are not over-read.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, F, Min, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation
from referrals.models import AgendaItem, Case, ContactAttempt

REACHED = Q(outcome__in=ContactAttempt.REACHED_OUTCOMES)
WEEKDAYS = {
    1: _("Monday"),
    2: _("Tuesday"),
    3: _("Wednesday"),
    4: _("Thursday"),
    5: _("Friday"),
    6: _("Saturday"),
    7: _("Sunday"),
}
SLOTS = {
    "morning": _("Morning (before 12:00)"),
    "afternoon": _("Afternoon (12:00-17:00)"),
    "evening": _("Evening (after 17:00)"),
}


@dataclass(frozen=True)
class Rate:
    label: str
    attempts: int
    reached: int

    @property
    def rate(self) -> float:
        return self.reached / self.attempts if self.attempts else 0.0

    @property
    def percent(self) -> int:
        return round(self.rate * 100)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end, time.min, tz)


def _rates(queryset, field: str, labels: dict) -> list[Rate]:
    rows = (
        queryset.values(field)
        .annotate(attempts=Count("id"), reached=Count("id", filter=REACHED))
        .order_by(field)
    )
    return [
        Rate(str(labels.get(row[field], row[field])), row["attempts"], row["reached"])
        for row in rows
    ]


def what_works(ocmw: Organisation, *, start: date, end: date) -> dict:
    """The report for attempts in [start, end)."""
    since, until = _bounds(start, end)
    attempts = ContactAttempt.objects.filter(ocmw=ocmw, moment__gte=since, moment__lt=until)
    channels = dict(ContactAttempt.Channel.choices)
    yes_no = {True: _("yes"), False: _("no")}

    hours = (
        attempts.annotate(hour=ExtractHour("moment"))
        .values("hour")
        .annotate(attempts=Count("id"), reached=Count("id", filter=REACHED))
    )
    slots: dict[str, list[int]] = {}
    from referrals.models.outreach import time_slot

    for row in hours:
        totals = slots.setdefault(time_slot(row["hour"]), [0, 0])
        totals[0] += row["attempts"]
        totals[1] += row["reached"]
    by_slot = [Rate(str(SLOTS[key]), *slots[key]) for key in SLOTS if key in slots]

    paper = attempts.filter(channel__in=ContactAttempt.PAPER)
    variants = {
        "with_logo": _rates(paper.exclude(with_logo=None), "with_logo", yes_no),
        "in_envelope": _rates(paper.exclude(in_envelope=None), "in_envelope", yes_no),
        "mentions_cutoff": _rates(
            attempts.exclude(mentions_cutoff=None), "mentions_cutoff", yes_no
        ),
    }
    visits = _rates(attempts.filter(channel__in=ContactAttempt.VISITS), "channel", channels)
    via = attempts.aggregate(
        partner_attempts=Count("id", filter=Q(channel="via_partner")),
        partner_reached=Count("id", filter=Q(channel="via_partner") & REACHED),
        direct_attempts=Count("id", filter=~Q(channel="via_partner")),
        direct_reached=Count("id", filter=~Q(channel="via_partner") & REACHED),
    )
    total = Rate(
        str(_("All attempts")),
        via["partner_attempts"] + via["direct_attempts"],
        via["partner_reached"] + via["direct_reached"],
    )
    return {
        "total": total,
        "by_channel": _rates(attempts, "channel", channels),
        "variants": variants,
        "by_weekday": _rates(
            attempts.annotate(weekday=ExtractIsoWeekDay("moment")), "weekday", WEEKDAYS
        ),
        "by_slot": by_slot,
        "visits": visits,
        "via_partner": [
            Rate(str(_("Through a partner")), via["partner_attempts"], via["partner_reached"]),
            Rate(str(_("Directly by the OCMW")), via["direct_attempts"], via["direct_reached"]),
        ],
        "first_contact_days": _first_contact(ocmw, since, until),
        "before_lac": _reached_before_lac(ocmw, start, end),
    }


def _first_contact(ocmw, since, until) -> dict:
    """Days from opening a case to the first attempt that reached the client."""
    firsts = (
        Case.objects.filter(ocmw=ocmw, created_at__gte=since, created_at__lt=until)
        .annotate(
            first=Min(
                "attempts__moment", filter=Q(attempts__outcome__in=ContactAttempt.REACHED_OUTCOMES)
            )
        )
        .filter(first__isnull=False)
        .values_list("created_at", "first")
    )
    days = sorted((first - created).total_seconds() / 86400 for created, first in firsts)
    if not days:
        return {"cases": 0, "median": None}
    return {"cases": len(days), "median": round(statistics.median(days), 1)}


def _reached_before_lac(ocmw, start: date, end: date) -> Rate:
    items = AgendaItem.objects.filter(
        session__ocmw=ocmw, session__date__gte=start, session__date__lt=end
    )
    counts = items.aggregate(
        total=Count("id"),
        reached=Count("id", filter=Q(case__reached_at__date__lt=F("session__date"))),
    )
    return Rate(
        str(_("Cases reached before their LAC session")), counts["total"], counts["reached"]
    )


def csv_rows(report: dict) -> list[list]:
    rows = [["group", "value", "attempts", "reached", "rate"]]

    def add(group, rates):
        for rate in rates:
            rows.append([group, rate.label, rate.attempts, rate.reached, f"{rate.rate:.3f}"])

    add("total", [report["total"]])
    add("channel", report["by_channel"])
    for name, rates in report["variants"].items():
        add(name, rates)
    add("weekday", report["by_weekday"])
    add("time_slot", report["by_slot"])
    add("home_visit", report["visits"])
    add("via", report["via_partner"])
    add("lac", [report["before_lac"]])
    return rows
