"""What the drill counts after each phase, from the database and the sinks.

- acknowledged writes missing: the client was told a write worked, and its marker is
  not in the database;
- duplicates: a write whose marker is in the database more than once (a retried POST
  that had been committed);
- committed, answered 5xx: a try that the database shows committed while the portal
  answered it with a 5xx; apart from it, tries committed whose process died before it
  could answer (HAProxy's 502: kill -9 between the commit and the answer);
- jobs lost: job rows of the phase FAILED or never finished, and a LAC import whose
  rows are not all there;
- e-mails and webhooks missing: notifications of the phase whose e-mail never reached
  the SMTP sink, deliveries whose ``webhook-id`` never reached the receiver.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import close_old_connections, connection

from .logscan import summarise_traceback
from .procs import log

MARKER = re.compile(r"^drill (\S+)/(\w+) try (\d+)$")
UNFINISHED = ("READY", "RUNNING")


def db_retry(call, *, attempts: int = 60):
    """The drill's own queries survive a PostgreSQL restart: reconnect and try again."""
    for n in range(attempts):
        try:
            close_old_connections()
            return call()
        except Exception:
            connection.close()
            if n == attempts - 1:
                raise
            time.sleep(1)
    return None


@dataclass
class Marks:
    """Where the phase starts in each table (ids grow; job rows by time)."""

    notification: int
    delivery: int
    since: object  # aware datetime


def marks() -> Marks:
    from django.db.models import Max
    from django.utils import timezone

    from portal.core.models import Notification, WebhookDelivery

    def read():
        return Marks(
            notification=Notification.objects.aggregate(m=Max("pk"))["m"] or 0,
            delivery=WebhookDelivery.objects.aggregate(m=Max("pk"))["m"] or 0,
            since=timezone.now(),
        )

    return db_retry(read)


@dataclass
class Result:
    phase: str
    fault: str
    requests: int = 0
    five_xx: int = 0  # all of them
    portal_5xx: int = 0  # answered by the portal itself (the rest by HAProxy)
    no_answer: int = 0
    acknowledged: int = 0
    missing: int = 0
    duplicates: int = 0
    committed_5xx: int = 0  # the portal answered 5xx to a write it committed
    committed_lost: int = 0  # committed, the answer lost with the process (HAProxy's 502)
    committed_no_answer: int = 0
    jobs: int = 0
    jobs_lost: int = 0
    emails: int = 0
    emails_missing: int = 0
    emails_twice: int = 0
    webhooks: int = 0
    webhooks_missing: int = 0
    webhooks_twice: int = 0
    bad_signatures: int = 0
    recover: float | None = None
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # log lines that explain a loss

    @property
    def lost_something(self) -> bool:
        return bool(
            self.missing
            or self.duplicates
            or self.jobs_lost
            or self.emails_missing
            or self.webhooks_missing
            or self.committed_5xx
            or self.recover is None
        )


# Waiting for the queue --------------------------------------------------------------


def outstanding(start: Marks, mail, hooks) -> dict[str, int]:
    """What is not done yet: job rows waiting or running, e-mails and webhooks not arrived."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max

    from portal.core.models import Notification, WebhookDelivery

    def read():
        # A job retried minutes from now will not run within the drill: it counts as
        # lost at the end, it does not hold the wait up.
        soon = Q(run_after=get_date_max()) | Q(
            run_after__lte=timezone.now() + timedelta(seconds=15)
        )
        jobs = DBTaskResult.objects.filter(Q(status="RUNNING") | (Q(status="READY") & soon)).count()
        notes = set(
            Notification.objects.filter(pk__gt=start.notification).values_list("pk", flat=True)
        )
        uuids = {
            str(u)
            for u in WebhookDelivery.objects.filter(pk__gt=start.delivery).values_list(
                "uuid", flat=True
            )
        }
        return {
            "jobs": jobs,
            "emails": len(notes - set(mail.snapshot())),
            "webhooks": len(uuids - set(hooks.snapshot())),
        }

    return db_retry(read)


def drain(start: Marks, mail, hooks, *, timeout: float, quiet_for: float) -> tuple[float, dict]:
    """Wait until nothing is outstanding, or nothing moved for ``quiet_for`` seconds after
    the queue emptied (what is missing then stays missing), or ``timeout``."""
    began = time.monotonic()
    last, last_change = None, began
    while True:
        left = outstanding(start, mail, hooks)
        now = time.monotonic()
        if left != last:
            last, last_change = left, now
        if not any(left.values()):
            return now - began, left
        if now - began > timeout or (left["jobs"] == 0 and now - last_change > quiet_for):
            return now - began, left
        time.sleep(0.5)


# Counting ---------------------------------------------------------------------------


def count(result: Result, load, start: Marks, mail, hooks, *, lac_import_id, first_errors) -> None:
    db_retry(lambda: _count_writes(result, load))
    db_retry(lambda: _count_jobs(result, start, lac_import_id, first_errors))
    db_retry(lambda: _count_messages(result, start, mail, hooks))


def _count_writes(result: Result, load) -> None:
    from referrals.referrals.models import Referral, TimelineEntry

    attempts = load.attempts()
    result.requests = len(attempts)
    result.five_xx = sum(1 for a in attempts if a.status is not None and a.status >= 500)
    result.portal_5xx = sum(1 for a in attempts if a.portal and (a.status or 0) >= 500)
    result.no_answer = sum(1 for a in attempts if a.status is None)

    # marker/step -> the tries found in the database
    found: dict[tuple[str, str], list[int]] = defaultdict(list)
    prefix = f"drill {result.phase}-"
    for text in Referral.objects.filter(description__startswith=prefix).values_list(
        "description", flat=True
    ):
        if m := MARKER.match(text):
            found[(m.group(1), m.group(2))].append(int(m.group(3)))
    for text in TimelineEntry.objects.filter(
        message__startswith=prefix, action__in=["message", "record_contact"]
    ).values_list("message", flat=True):
        if m := MARKER.match(text):
            found[(m.group(1), m.group(2))].append(int(m.group(3)))
    ids = [w.referral_id for w in load.writes if w.step == "acknowledge" and w.referral_id]
    acks = Counter(
        TimelineEntry.objects.filter(referral_id__in=ids, action="acknowledge").values_list(
            "referral_id", flat=True
        )
    )

    for write in load.writes:
        result.acknowledged += write.acknowledged
        if write.step == "acknowledge":
            n = acks.get(write.referral_id, 0)
            committed = [_acknowledging_try(write)] + [0] * (n - 1) if n else []
        else:
            committed = found.get((write.marker, write.step), [])
            n = len(committed)
        if write.acknowledged and n == 0:
            result.missing += 1
            result.notes.append(f"missing: {write.step} {write.marker} ({_tries(write)})")
        if n > 1:
            result.duplicates += n - 1
            result.notes.append(f"duplicate: {write.step} {write.marker} x{n} ({_tries(write)})")
        if not write.acknowledged and n:
            result.notes.append(
                f"committed, client not told: {write.step} {write.marker} ({_tries(write)})"
            )
        for k in committed:
            if 1 <= k <= len(write.attempts):
                attempt = write.attempts[k - 1]
                if attempt.status is not None and attempt.status >= 500:
                    who = "the portal" if attempt.portal else "HAProxy"
                    if attempt.portal:
                        result.committed_5xx += 1
                    else:
                        result.committed_lost += 1
                    result.notes.append(
                        f"committed, {who} answered {attempt.status}: {write.step} "
                        f"{write.marker} try {k} ({_tries(write)})"
                    )
                elif attempt.status is None:
                    result.committed_no_answer += 1
                    result.notes.append(
                        f"committed, no answer: {write.step} {write.marker} try {k} "
                        f"({attempt.error})"
                    )


def _acknowledging_try(write) -> int:
    """Which try of an acknowledge committed (it carries no marker): the last one, unless
    a 409 came back, when it was the last failed try before it."""
    if write.outcome == "ok-after-409":
        for k in range(len(write.attempts) - 1, 0, -1):
            if write.attempts[k - 1].failed:
                return k
    return len(write.attempts)


def _tries(write) -> str:
    return ", ".join(str(a.status or "no answer") for a in write.attempts) + f" -> {write.outcome}"


def _count_jobs(result: Result, start: Marks, lac_import_id: int | None, first_errors) -> None:
    from django_tasks_db.models import DBTaskResult

    from referrals.cases.models import AgendaItem, ArrearsRecord, LacImport

    rows = DBTaskResult.objects.filter(enqueued_at__gte=start.since)
    result.jobs = rows.count()
    by_status = Counter(rows.values_list("status", flat=True))
    failed = rows.filter(status="FAILED")
    unfinished = rows.filter(status__in=UNFINISHED)
    result.jobs_lost = by_status["FAILED"] + sum(by_status[s] for s in UNFINISHED)
    for row in failed[:5]:
        result.errors.append(f"job FAILED {row.task_path}: {summarise_traceback(row.traceback)}")
    for row in rows.filter(pk__in=list(first_errors))[:8]:
        result.errors.append(
            f"job {row.task_path} ({row.status} now, tried {len(row.worker_ids)}x) first "
            f"failed with: {first_errors[str(row.pk)]}"
        )
    for row in unfinished[:5]:
        result.errors.append(
            f"job {row.status} after the wait: {row.task_path} workers={row.worker_ids} "
            f"started={row.started_at}"
        )
    if lac_import_id is None:
        return
    lac = LacImport.objects.get(pk=lac_import_id)
    rows_expected = lac.summary.get("create", 0)
    prefix = f"DR-{lac.filename.removeprefix('drill-').removesuffix('.csv')}-"
    records = ArrearsRecord.objects.filter(customer_number__startswith=prefix).count()
    agenda = AgendaItem.objects.filter(case__arrears__customer_number__startswith=prefix).count()
    runs = rows.filter(task_path__endswith="run_lac_import").values_list("worker_ids", flat=True)
    effect = (
        f"LAC import {lac.status}: {records}/{rows_expected} accounts, {agenda} on the agenda "
        f"(run by {', '.join(str(w) for w in runs) or 'nobody'})"
    )
    result.notes.append(effect)
    if (
        lac.status != LacImport.Status.IMPORTED
        or records != rows_expected
        or agenda != rows_expected
    ):
        if not by_status["FAILED"] and not any(by_status[s] for s in UNFINISHED):
            result.jobs_lost += 1  # the job says it finished, its effect is not all there
        result.errors.append(effect)


def _count_messages(result: Result, start: Marks, mail, hooks) -> None:
    from portal.core.models import Notification, WebhookDelivery

    sent = mail.snapshot()
    notifications = list(
        Notification.objects.filter(pk__gt=start.notification).values_list("pk", flat=True)
    )
    result.emails = len(notifications)
    result.emails_missing = sum(1 for pk in notifications if pk not in sent)
    result.emails_twice = sum(1 for pk in notifications if sent.get(pk, 0) > 1)
    unmarked = Notification.objects.filter(
        pk__in=[pk for pk in notifications if pk in sent], emailed_at__isnull=True
    ).count()
    if unmarked:
        result.notes.append(f"{unmarked} notifications e-mailed but without emailed_at")
    received = hooks.snapshot()
    deliveries = list(
        WebhookDelivery.objects.filter(pk__gt=start.delivery).values_list(
            "uuid", "attempts", "last_error", "delivered_at"
        )
    )
    result.webhooks = len(deliveries)
    missing = [d for d in deliveries if str(d[0]) not in received]
    result.webhooks_missing = len(missing)
    result.webhooks_twice = sum(1 for d in deliveries if received.get(str(d[0]), 0) > 1)
    for uuid, attempts_made, error, _delivered in missing[:3]:
        result.errors.append(
            f"webhook {uuid} not received: {attempts_made} attempts, {error or '-'}"
        )
    if result.emails_missing:
        result.errors.append(
            f"{result.emails_missing} notifications without an e-mail naming them "
            f"(SMTP sink: {mail.messages} messages in all, {mail.without_id} without "
            f"a notification Message-ID, such as {'; '.join(mail.unknown_ids) or '-'})"
        )


def describe(result: Result) -> None:
    log(
        f"{result.fault}: {result.requests} requests, {result.five_xx} 5xx, "
        f"{result.missing} missing, {result.duplicates} duplicates, {result.jobs_lost} jobs lost, "
        f"{result.emails_missing}/{result.emails} e-mails missing, "
        f"{result.webhooks_missing}/{result.webhooks} webhooks missing, recovered "
        + (f"in {result.recover:.1f} s" if result.recover is not None else "NOT")
    )
