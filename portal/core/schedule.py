"""Periodic work without cron: the task workers queue it themselves.

``PORTAL_SCHEDULE`` (settings) names each periodic job: the task's dotted path and
either ``every`` (seconds) or ``at`` (``"HH:MM"``, local time, daily). Each run has
a slot (the start of its interval, or the day's time); the worker that first
writes the slot's :class:`ScheduledRun` queues the job, in the same transaction,
so with any number of workers each slot runs once. Slots missed while no worker
ran are not made up one by one: the next worker queues the current slot, and
every periodic job does all that is due, not only what came up since last time.

The quick-start demo runs them too: ``runserver`` starts a worker thread
(``PORTAL_RUNSERVER_WORKER``, portal/management/commands/runserver.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

from portal.core.models import ScheduledRun
from portal.core.tasks import records_jobs_in_database

logger = logging.getLogger("portal.core.schedule")


@dataclass(frozen=True)
class Periodic:
    name: str
    task_path: str
    every: int | None = None  # seconds
    at: time | None = None  # daily, local time

    @property
    def task(self) -> Task:
        return import_string(self.task_path)

    def slot(self, now: datetime) -> datetime:
        """The start of the run that is due at ``now``."""
        if self.every:
            seconds = int(now.timestamp()) // self.every * self.every
            return datetime.fromtimestamp(seconds, tz=now.tzinfo)
        at = self.at or time(0, 0)
        local = timezone.localtime(now)
        today = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        return today if local >= today else today - timedelta(days=1)


def entries() -> list[Periodic]:
    result = []
    for name, spec in settings.PORTAL_SCHEDULE.items():
        at = spec.get("at")
        result.append(
            Periodic(
                name=name,
                task_path=spec["task"],
                every=spec.get("every"),
                at=time.fromisoformat(at) if at else None,
            )
        )
    return result


def queue_due(now: datetime | None = None) -> list[str]:
    """Queue each periodic job whose current slot nobody claimed yet; return their names."""
    now = now or timezone.now()
    queued = []
    for entry in entries():
        slot = entry.slot(now)
        if ScheduledRun.objects.filter(name=entry.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=entry.name, slot=slot)
                result = entry.task.enqueue()
                if records_jobs_in_database():
                    run.job_id = result.id
                    run.save(update_fields=["job_id"])
        except IntegrityError:
            continue  # another worker claimed this slot first
        queued.append(entry.name)
        logger.info("queued %s for %s", entry.name, slot)
    return queued
