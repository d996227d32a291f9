"""The what-works report: which ways of reaching clients work, for one OCMW and period.

Counting happens in the database, over the daily tallies of the attempts
(``AttemptTally``, written with each attempt): one GROUP BY for the OCMW and
period, of which every breakdown is a sum. The median time to first contact
comes from the cases (in SQL on PostgreSQL). Every rate travels with its counts
so small numbers are not over-read.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractIsoWeekDay
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation
from referrals.cases.models import AgendaItem, Case
from referrals.outreach.models import AttemptTally, ContactAttempt
from referrals.referrals.figures import Median, seconds_between

WEEKDAYS = {
    1: _("Monday"),
    2: _("Tuesday"),
    3: _("Wednesday"),
    4: _("Thursday"),
    5: _("Friday"),
    6: _("Saturday"),
    7: _("Sunday"),
}
SLOTS = dict(AttemptTally.Slot.choices)


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


class _Tally:
    """Attempts and reached per value of one breakdown, in order of the value."""

    def __init__(self) -> None:
        self.counts: dict = {}

    def add(self, value, attempts: int, reached: int) -> None:
        totals = self.counts.setdefault(value, [0, 0])
        totals[0] += attempts
        totals[1] += reached

    def rates(self, labels: dict, order=None) -> list[Rate]:
        keys = sorted(self.counts) if order is None else [k for k in order if k in self.counts]
        return [Rate(str(labels.get(key, key)), *self.counts[key]) for key in keys]


def what_works(ocmw: Organisation, *, start: date, end: date) -> dict:
    """The report for attempts in [start, end).

    The attempts are read from their daily tallies, once: one GROUP BY on every
    property the report breaks down by (a few hundred groups at most, whatever the
    volume); each breakdown is a sum over those groups.
    """
    since, until = _bounds(start, end)
    groups = (
        AttemptTally.objects.filter(ocmw=ocmw, day__gte=start, day__lt=end)
        .annotate(weekday=ExtractIsoWeekDay("day"))
        .values("channel", "with_logo", "in_envelope", "mentions_cutoff", "weekday", "slot")
        .annotate(attempts=Sum("attempts"), reached=Sum("reached"))
        .order_by()
    )
    tallies = defaultdict(_Tally)
    for group in groups:
        counts = group["attempts"], group["reached"]
        channel = group["channel"]
        tallies["total"].add(None, *counts)
        tallies["channel"].add(channel, *counts)
        tallies["weekday"].add(group["weekday"], *counts)
        tallies["slot"].add(group["slot"], *counts)
        tallies["via"].add(channel == ContactAttempt.Channel.VIA_PARTNER, *counts)
        if channel in ContactAttempt.PAPER:
            for variant in ("with_logo", "in_envelope"):
                if group[variant] is not None:
                    tallies[variant].add(group[variant], *counts)
        if group["mentions_cutoff"] is not None:
            tallies["mentions_cutoff"].add(group["mentions_cutoff"], *counts)
        if channel in ContactAttempt.VISITS:
            tallies["visits"].add(channel, *counts)

    channels = dict(ContactAttempt.Channel.choices)
    yes_no = {True: _("yes"), False: _("no")}
    total = tallies["total"].counts.get(None, [0, 0])
    via = tallies["via"].counts
    partner, direct = via.get(True, [0, 0]), via.get(False, [0, 0])
    return {
        "total": Rate(str(_("All attempts")), *total),
        "by_channel": tallies["channel"].rates(channels),
        "variants": {
            name: tallies[name].rates(yes_no)
            for name in ("with_logo", "in_envelope", "mentions_cutoff")
        },
        "by_weekday": tallies["weekday"].rates(WEEKDAYS),
        "by_slot": tallies["slot"].rates(SLOTS, order=SLOTS),
        "visits": tallies["visits"].rates(channels),
        "via_partner": [
            Rate(str(_("Through a partner")), *partner),
            Rate(str(_("Directly by the OCMW")), *direct),
        ],
        "first_contact_days": _first_contact(ocmw, since, until),
        "before_lac": _reached_before_lac(ocmw, start, end),
    }


def _first_contact(ocmw, since, until) -> dict:
    """Days from opening a case to reaching the client (``Case.reached_at``: the first
    reaching attempt, or the worker's "reached" without one). PostgreSQL computes the
    median itself (the largest OCMW opens some 10,000 cases a year); elsewhere it is
    computed here."""
    reached = Case.objects.filter(
        ocmw=ocmw, created_at__gte=since, created_at__lt=until, reached_at__isnull=False
    )
    if connection.vendor == "postgresql":
        seconds = seconds_between("created_at", "reached_at")
        found = reached.aggregate(cases=Count("*"), median=Median(seconds))
        if not found["cases"]:
            return {"cases": 0, "median": None}
        return {"cases": found["cases"], "median": round(found["median"] / 86400, 1)}
    firsts = reached.values_list("created_at", "reached_at")
    days = [max(0.0, (first - created).total_seconds() / 86400) for created, first in firsts]
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


@dataclass(frozen=True)
class MessageCount:
    """Text messages or e-mails sent from the portal in a period, and their fate."""

    channel: str
    label: str
    sent: int  # handed to the provider (whatever came of it)
    delivered: int
    failed: int
    waiting: int

    @property
    def delivered_percent(self) -> int | None:
        return round(self.delivered / self.sent * 100) if self.sent else None


def message_counts(ocmw: Organisation, *, start: date, end: date) -> list[MessageCount]:
    """Per channel, one GROUP BY over the OCMW's messages of [start, end)."""
    from referrals.messaging.models import Channel, ClientMessage

    since, until = _bounds(start, end)
    rows = (
        ClientMessage.objects.filter(ocmw=ocmw, created_at__gte=since, created_at__lt=until)
        .values_list("channel", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[str, dict[str, int]] = {}
    for channel, status, n in rows:
        found.setdefault(channel, {})[status] = n
    S = ClientMessage.Status
    counts = []
    for channel, label in Channel.choices:
        by = found.get(channel)
        if not by:
            continue
        counts.append(
            MessageCount(
                channel,
                str(label),
                sent=sum(by.get(s, 0) for s in (S.SENT, S.DELIVERED, S.FAILED, S.UNCERTAIN)),
                delivered=by.get(S.DELIVERED, 0),
                failed=by.get(S.FAILED, 0),
                waiting=by.get(S.QUEUED, 0) + by.get(S.SENDING, 0),
            )
        )
    return counts
