"""Figures for coordinators: what an organisation's sessions reached in a year.

Only counts and sums, never who came. A constant number of queries, whatever
the number of sessions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from partners.models import Organisation
from training.models import CoHost, Evaluation, Registration, Session, Topic

REFERRALS_RELATION = "referrals_heard_here"


def referrals_are_linked() -> bool:
    """Whether referrals can name the session where the client heard of the OCMW."""
    return any(rel.name == REFERRALS_RELATION for rel in Session._meta.related_objects)


@dataclass
class Figures:
    organisation: Organisation
    year: int
    held: int = 0
    people_reached: int = 0
    cancelled: int = 0
    to_close: int = 0
    by_topic: list[dict] = field(default_factory=list)
    by_venue: list[dict] = field(default_factory=list)
    by_partner: list[dict] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    referrals: int | None = None
    usefulness: dict[str, int] = field(default_factory=dict)


def _topic_filter(code: str) -> Q:
    return Q(topics__regex=rf"(^| ){code}( |$)")


def figures_for(organisation: Organisation, year: int) -> Figures:
    """Sessions held, people reached (sum of attendance), by topic, venue and
    partner, and how many referrals later named a session."""
    sessions = Session.objects.filter(organisation=organisation, starts_at__year=year)
    held = sessions.filter(status=Session.Status.HELD)
    held_q = Q(status=Session.Status.HELD)
    totals = sessions.aggregate(
        held=Count("pk", filter=held_q),
        people=Coalesce(Sum("people_reached", filter=held_q), 0),
        cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
        to_close=Count(
            "pk",
            filter=Q(
                status__in=[Session.Status.PUBLISHED, Session.Status.FULL],
                ends_at__lt=timezone.now(),
            ),
        ),
        **{
            f"{code}_sessions": Count("pk", filter=held_q & _topic_filter(code))
            for code in Topic.values
        },
        **{
            f"{code}_people": Coalesce(
                Sum("people_reached", filter=held_q & _topic_filter(code)), 0
            )
            for code in Topic.values
        },
    )
    figures = Figures(
        organisation=organisation,
        year=year,
        held=totals["held"],
        people_reached=totals["people"],
        cancelled=totals["cancelled"],
        to_close=totals["to_close"],
    )
    figures.by_topic = [
        {
            "topic": code,
            "label": label,
            "sessions": totals[f"{code}_sessions"],
            "people": totals[f"{code}_people"],
        }
        for code, label in Topic.choices
    ]
    figures.by_venue = list(
        held.values("venue_id", "venue__name", "venue__organisation__name")
        .annotate(sessions=Count("pk"), people=Coalesce(Sum("people_reached"), 0))
        .order_by("-people", "venue__name")
    )
    figures.by_partner = _by_partner(held)
    listing = held.select_related("venue").order_by("starts_at", "pk")
    if referrals_are_linked():
        listing = listing.annotate(referral_count=Count(REFERRALS_RELATION))
    figures.sessions = list(listing)
    if referrals_are_linked():
        figures.referrals = sum(s.referral_count for s in figures.sessions)
    figures.usefulness = dict(
        Evaluation.objects.filter(session__in=held)
        .values_list("useful")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return figures


def _by_partner(held) -> list[dict]:
    """Per organisation that registered people or co-hosted: places, people who came,
    sessions co-hosted."""
    rows: dict[int, dict] = {}
    registered = (
        Registration.objects.filter(session__in=held, status=Registration.Status.CONFIRMED)
        .values("organisation_id", "organisation__name")
        .annotate(
            registered=Coalesce(Sum("places"), 0),
            attended=Coalesce(Sum("attended"), 0),
            sessions=Count("session", distinct=True),
        )
    )
    for row in registered:
        rows[row["organisation_id"]] = {
            "name": row["organisation__name"],
            "registered": row["registered"],
            "attended": row["attended"],
            "sessions": row["sessions"],
            "cohosted": 0,
        }
    cohosted = (
        CoHost.objects.filter(session__in=held)
        .values("organisation_id", "organisation__name")
        .annotate(cohosted=Count("session"))
    )
    for row in cohosted:
        entry = rows.setdefault(
            row["organisation_id"],
            {
                "name": row["organisation__name"],
                "registered": 0,
                "attended": 0,
                "sessions": 0,
                "cohosted": 0,
            },
        )
        entry["cohosted"] = row["cohosted"]
    return sorted(rows.values(), key=lambda r: (-r["attended"], r["name"]))
