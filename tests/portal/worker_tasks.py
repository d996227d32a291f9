"""Tasks for the worker tests (module level, as tasks must be)."""

import os
import signal
from pathlib import Path

from django.tasks import task

from portal.core.tasks import Priority, send_notification_emails


@task
def add(a: int, b: int) -> int:
    return a + b


@task(priority=Priority.BULK)
def bulk_add(a: int, b: int) -> int:
    return a + b


@task(priority=Priority.PERSON_WAITING)
def urgent_add(a: int, b: int) -> int:
    return a + b


ATTEMPTS: dict[str, int] = {}


@task
def flaky(key: str, fail_times: int) -> int:
    """Raises the first ``fail_times`` times it runs for ``key``; returns the attempt."""
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] <= fail_times:
        raise RuntimeError(f"attempt {ATTEMPTS[key]} of {key} fails")
    return ATTEMPTS[key]


@task
def mail_then_die_once(notification_ids: list[int], marker: str) -> int:
    """Sends the notification e-mails, then, the first time only, kills its own worker
    with SIGKILL before the job can be marked done: the worst moment to die."""
    sent = send_notification_emails.call(notification_ids)
    if not Path(marker).exists():
        Path(marker).write_text("killed once")
        os.kill(os.getpid(), signal.SIGKILL)
    return sent


PERIODIC_RUNS: list[int] = []


@task
def periodic_sum() -> int:
    PERIODIC_RUNS.append(1)
    return len(PERIODIC_RUNS)
