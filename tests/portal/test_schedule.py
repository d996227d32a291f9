"""Periodic work without cron (portal/core/schedule.py): each slot runs once."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.core import schedule
from portal.core.models import ScheduledRun
from portal.core.worker import Worker

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
ONE_JOB = {"sum": {"task": "tests.portal.worker_tasks.periodic_sum", "every": 300}}


def test_an_interval_slot_starts_at_the_interval():
    every_five = schedule.Periodic(name="x", task_path="x", every=300)
    now = datetime(2026, 12, 4, 10, 7, 30, tzinfo=BRUSSELS)
    assert every_five.slot(now) == datetime(2026, 12, 4, 10, 5, tzinfo=BRUSSELS)


def test_a_daily_slot_is_today_once_its_time_has_come_else_yesterday(settings):
    settings.TIME_ZONE = "Europe/Brussels"
    at_seven = schedule.Periodic(name="x", task_path="x", at=time(7, 0))
    before = datetime(2026, 12, 4, 6, 59, tzinfo=BRUSSELS)
    after = datetime(2026, 12, 4, 7, 0, tzinfo=BRUSSELS)
    assert at_seven.slot(after) == datetime(2026, 12, 4, 7, 0, tzinfo=BRUSSELS)
    assert at_seven.slot(before) == datetime(2026, 12, 3, 7, 0, tzinfo=BRUSSELS)


def test_every_configured_job_names_a_task():
    for entry in schedule.entries():
        assert entry.task.name, entry.name  # imports, and is a Task


@override_settings(PORTAL_SCHEDULE=ONE_JOB, TASKS=DATABASE_TASKS)
def test_several_workers_queue_each_slot_once():
    now = datetime(2026, 12, 4, 10, 5, 10, tzinfo=BRUSSELS)
    assert schedule.queue_due(now) == ["sum"]
    assert schedule.queue_due(now) == []  # a second worker, the same slot
    assert schedule.queue_due(now + timedelta(seconds=200)) == []  # still that slot
    assert DBTaskResult.objects.count() == 1
    later = now + timedelta(minutes=5)
    assert schedule.queue_due(later) == ["sum"]
    assert ScheduledRun.objects.filter(name="sum").count() == DBTaskResult.objects.count()
    run = ScheduledRun.objects.order_by("slot").first()
    assert DBTaskResult.objects.filter(pk=run.job_id).exists()


@override_settings(PORTAL_SCHEDULE=ONE_JOB, TASKS=DATABASE_TASKS)
def test_a_slot_claimed_by_another_worker_meanwhile_is_skipped(monkeypatch):
    """Two workers both see the slot free; the unique slot lets only one queue it."""
    now = timezone.now()
    slot = schedule.entries()[0].slot(now)
    ScheduledRun.objects.create(name="sum", slot=slot)  # the other worker, just now

    class LooksFree:
        def exists(self):
            return False  # what this worker saw a moment before

    monkeypatch.setattr(schedule.ScheduledRun.objects, "filter", lambda **lookup: LooksFree())
    assert schedule.queue_due(now) == []
    assert not DBTaskResult.objects.exists()


@override_settings(PORTAL_SCHEDULE=ONE_JOB)
def test_with_the_immediate_backend_queuing_runs_the_job_at_once():
    from tests.portal import worker_tasks

    worker_tasks.PERIODIC_RUNS.clear()
    assert schedule.queue_due() == ["sum"]
    assert worker_tasks.PERIODIC_RUNS == [1]


@override_settings(PORTAL_SCHEDULE=ONE_JOB, TASKS=DATABASE_TASKS)
def test_the_worker_queues_and_runs_the_periodic_work():
    from tests.portal import worker_tasks

    worker_tasks.PERIODIC_RUNS.clear()
    Worker(beat_thread=False, scheduler=True, burst=True, interval=0.01).run()
    assert worker_tasks.PERIODIC_RUNS == [1]
    assert ScheduledRun.objects.filter(name="sum").count() == 1
