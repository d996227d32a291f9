"""List the rows a pre-picked answer may have written, per OCMW, for a coordinator to
review (docs/data-repair.md).

Until the forms started their required choices empty, a worker who did not choose saved
the first answer: a contact attempt as "letter" with "no answer", a home visit checked
out as "no answer", a LAC decision as "no action". Such a row cannot be told apart from
a real one with certainty, so this command only lists the likely ones, with why; it
changes nothing. There is no service that deletes an attempt, a visit or a decision with
an audit-log row, so a correction is made by the coordinator in the portal (or, for
attempts, by a reviewed repair followed by ``rebuild_attempt_tallies``), not here.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_date

from partners.models import Organisation
from referrals.cases.models import AgendaItem
from referrals.outreach.models import ContactAttempt, HomeVisit

FIRST_CHANNEL = ContactAttempt.Channel.choices[0][0]  # "letter"
FIRST_OUTCOME = ContactAttempt.Outcome.choices[0][0]  # "no_answer"
FIRST_DECISION = AgendaItem.Decision.choices[0][0]  # "no_action"


def suspicious_attempts(attempts, *, burst_seconds: int):
    """Attempts with the first channel, the first outcome and no note. A letter has no
    "answer", so each is doubtful; several on one case within ``burst_seconds`` of each
    other (a form sent again and again) the more so."""
    rows = list(
        attempts.filter(channel=FIRST_CHANNEL, outcome=FIRST_OUTCOME, note="", template=None)
        .select_related("ocmw", "worker")
        .order_by("ocmw_id", "case_id", "created_at")
    )
    previous: dict[int, datetime] = {}
    for attempt in rows:
        last = previous.get(attempt.case_id)
        burst = last is not None and attempt.created_at - last <= timedelta(seconds=burst_seconds)
        previous[attempt.case_id] = attempt.created_at
        why = "letter + no answer, no note"
        if burst:
            why += f", within {burst_seconds} s of the one before on this case"
        yield (
            attempt.ocmw,
            (
                f"attempt {attempt.pk} on DS-{attempt.case_id:06d}, "
                f"{timezone.localtime(attempt.moment):%d/%m/%Y %H:%M}, "
                f"{attempt.worker.full_name or attempt.worker.email}: {why}"
            ),
        )


def suspicious_visits(visits, *, minutes: int):
    """Home visits checked out as "no answer" within ``minutes`` of arriving (or without
    ever checking in): the button pressed without choosing a result."""
    rows = (
        visits.filter(status=HomeVisit.Status.DONE, attempt__outcome=FIRST_OUTCOME)
        .select_related("ocmw", "worker", "attempt")
        .order_by("ocmw_id", "checked_out_at")
    )
    for visit in rows:
        start = visit.checked_in_at
        if start is not None and visit.checked_out_at - start > timedelta(minutes=minutes):
            continue
        how = "never checked in" if start is None else f"checked out within {minutes} min"
        yield (
            visit.ocmw,
            (
                f"visit {visit.pk} (attempt {visit.attempt_id}) on DS-{visit.case_id:06d}, "
                f"{timezone.localtime(visit.checked_out_at):%d/%m/%Y %H:%M}, "
                f"{visit.worker.full_name or visit.worker.email}: no answer, {how}"
            ),
        )


def suspicious_decisions(items):
    """LAC decisions "no action" without a motivation, on the day of the session (the
    date the form filled in)."""
    rows = (
        items.filter(decision=FIRST_DECISION, motivation="", decided_on=F("session__date"))
        .select_related("session__ocmw")
        .order_by("session__ocmw_id", "session__date", "position")
    )
    for item in rows:
        yield (
            item.session.ocmw,
            (
                f"decision {item.pk} on DS-{item.case_id:06d}, LAC session of "
                f"{item.session.date:%d/%m/%Y}: no action, no motivation"
            ),
        )


class Command(BaseCommand):
    help = (
        "List contact attempts, home visits and LAC decisions that a pre-picked answer may "
        "have written, per OCMW, for review. Read-only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ocmw", type=int, help="only this OCMW (its id)")
        parser.add_argument(
            "--until",
            help="only rows written before this day (YYYY-MM-DD): the day the fixed forms "
            "went live; later rows were chosen on purpose",
        )
        parser.add_argument("--burst-seconds", type=int, default=120)
        parser.add_argument("--visit-minutes", type=int, default=1)
        parser.add_argument(
            "--delete",
            action="store_true",
            help="refused: no service deletes these rows with an audit-log row (see "
            "docs/data-repair.md)",
        )

    def handle(self, *args, ocmw=None, until=None, burst_seconds=120, visit_minutes=1, **opts):
        if opts.get("delete"):
            raise CommandError(
                "Nothing is deleted here: correct the rows in the portal after review, or "
                "follow docs/data-repair.md."
            )
        attempts = ContactAttempt.objects.all()
        visits = HomeVisit.objects.all()
        items = AgendaItem.objects.exclude(decision="")
        if ocmw is not None:
            attempts, visits = attempts.filter(ocmw_id=ocmw), visits.filter(ocmw_id=ocmw)
            items = items.filter(session__ocmw_id=ocmw)
        if until:
            day = parse_date(until)
            if day is None:
                raise CommandError("--until takes a date: YYYY-MM-DD.")
            attempts = attempts.filter(created_at__date__lt=day)
            visits = visits.filter(checked_out_at__date__lt=day)
            items = items.filter(decided_on__lt=day)
        found: dict[Organisation, list[str]] = defaultdict(list)
        for source in (
            suspicious_attempts(attempts, burst_seconds=burst_seconds),
            suspicious_visits(visits, minutes=visit_minutes),
            suspicious_decisions(items),
        ):
            for organisation, line in source:
                found[organisation].append(line)
        if not found:
            self.stdout.write("Nothing suspicious found.")
            return
        for organisation in sorted(found, key=lambda o: o.name):
            lines = found[organisation]
            self.stdout.write(f"{organisation.name} (id {organisation.pk}): {len(lines)} to review")
            for line in lines:
                self.stdout.write(f"  {line}")
