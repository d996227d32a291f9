"""The task worker (portal/core/worker.py) and jobs recorded with the change."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError, connection, transaction
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.core import worker as worker_module
from portal.core.models import Notification, WorkerBeat
from portal.core.notifications import Untranslated, notify
from portal.core.tasks import enqueue, send_notification_emails
from portal.core.worker import MAX_ATTEMPTS, Worker, hand_back_orphans
from tests.mail_server import SmtpServer
from tests.portal import worker_tasks

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs_in_database():
    with override_settings(TASKS=DATABASE_TASKS):
        yield


def work(**options) -> Worker:
    """A worker in this process, in the test's transaction, until the queue is empty."""
    worker = Worker(beat_thread=False, scheduler=False, burst=True, interval=0.01, **options)
    worker.run()
    return worker


def _notification(cast) -> Notification:
    return Notification.objects.create(recipient=cast.social_worker, kind="test", text="Hallo")


def test_a_job_of_a_rolled_back_change_is_never_recorded_and_never_runs(cast, jobs_in_database):
    with transaction.atomic():
        notify([cast.social_worker], kind="test", text=Untranslated("Nieuwe doorverwijzing"))
        assert DBTaskResult.objects.count() == 1  # written with the change…
        transaction.set_rollback(True)
    assert DBTaskResult.objects.count() == 0  # …and gone with it
    work()
    assert mail.outbox == []


def test_a_job_of_a_rolled_back_change_never_runs_on_the_immediate_backend(cast):
    with transaction.atomic():
        notify([cast.social_worker], kind="test", text=Untranslated("Nieuwe doorverwijzing"))
        transaction.set_rollback(True)
    assert mail.outbox == []


def test_a_committed_job_waits_for_a_worker_and_runs_once(cast, jobs_in_database):
    with transaction.atomic():
        (created,) = notify(
            [cast.social_worker], kind="test", text=Untranslated("Nieuwe doorverwijzing")
        )
    assert mail.outbox == []  # recorded, not run
    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.READY

    assert work().jobs_run == 1
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<notification-{created.pk}@127.0.0.1>"
    created.refresh_from_db()
    assert created.emailed_at is not None
    assert work().jobs_run == 0


def test_a_job_whose_worker_died_after_the_effect_runs_again_with_the_effect_once(
    cast, jobs_in_database
):
    note = _notification(cast)
    enqueue(send_notification_emails, [note.pk])
    first = Worker(beat_thread=False, scheduler=False)
    first._write_beat()
    job = first.take()
    send_notification_emails.call([note.pk])  # the effect…
    assert len(mail.outbox) == 1  # …then the worker is killed before it marks the job done
    WorkerBeat.objects.filter(pk=first.worker_id).update(
        seen_at=timezone.now() - timedelta(minutes=5)
    )
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(minutes=5))

    second = work()
    assert second.jobs_run == 1
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.worker_ids == [first.worker_id, second.worker_id]
    assert len(mail.outbox) == 1  # not twice


def test_a_running_job_of_a_live_worker_is_left_alone(cast, jobs_in_database):
    enqueue(worker_tasks.add, 1, 2)
    running = Worker(beat_thread=False, scheduler=False)
    job = running.take()
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(hours=1))
    assert hand_back_orphans() == 0
    running.current = None  # it lost the database mid-job and now names no job
    running._write_beat()
    assert hand_back_orphans() == 1
    job.refresh_from_db()
    assert job.status == TaskResultStatus.READY


def test_a_job_handed_back_too_often_fails_instead_of_running_forever(jobs_in_database):
    enqueue(worker_tasks.add, 1, 2)
    job = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=job.pk).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=[f"w{i}" for i in range(MAX_ATTEMPTS)],
        started_at=timezone.now() - timedelta(hours=1),
    )
    assert hand_back_orphans() == 1
    job.refresh_from_db()
    assert job.status == TaskResultStatus.FAILED
    assert "stopped while running" in job.traceback


def test_a_failing_job_is_retried_later_then_fails_for_good(jobs_in_database):
    worker_tasks.ATTEMPTS.clear()
    enqueue(worker_tasks.flaky, "always", 99)
    job = DBTaskResult.objects.get()
    for _attempt in range(1, MAX_ATTEMPTS):
        work()
        job.refresh_from_db()
        assert job.status == TaskResultStatus.READY
        assert job.run_after > timezone.now()  # not before its waiting time
        assert "attempt" in job.traceback
        assert work().jobs_run == 0
        DBTaskResult.objects.filter(pk=job.pk).update(run_after=timezone.now())
    work()
    job.refresh_from_db()
    assert job.status == TaskResultStatus.FAILED
    assert worker_tasks.ATTEMPTS["always"] == MAX_ATTEMPTS


def test_a_job_that_fails_once_succeeds_on_its_retry(jobs_in_database):
    worker_tasks.ATTEMPTS.clear()
    enqueue(worker_tasks.flaky, "once", 1)
    work()
    DBTaskResult.objects.update(run_after=timezone.now())
    work()
    job = DBTaskResult.objects.get()
    assert (job.status, job.return_value) == (TaskResultStatus.SUCCESSFUL, 2)


def test_work_a_person_waits_for_goes_before_bulk_work(jobs_in_database):
    for n in range(5):
        enqueue(worker_tasks.bulk_add, n, 0)
    enqueue(worker_tasks.urgent_add, 100, 0)
    worker = Worker(beat_thread=False, scheduler=False)
    assert worker.take().task_path == "tests.portal.worker_tasks.urgent_add"


def test_the_worker_waits_for_the_database_and_goes_on(jobs_in_database):
    enqueue(worker_tasks.add, 2, 3)
    real_take = Worker.take
    calls = []

    def take_after_an_outage(self):
        calls.append(1)
        if len(calls) <= 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real_take(self)

    with (
        mock.patch.object(Worker, "take", take_after_an_outage),
        mock.patch.object(Worker, "_forget_connection"),  # keep the test's transaction
        mock.patch.object(threading.Event, "wait", return_value=False),
    ):
        worker = work()
    assert worker.jobs_run == 1
    assert DBTaskResult.objects.get().return_value == 5


def test_run_worker_refuses_without_the_database_backend():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="TASK_BACKEND"):
        call_command("run_worker", "--burst")


def test_run_worker_runs_what_is_queued(jobs_in_database):
    from django.core.management import call_command

    enqueue(worker_tasks.add, 20, 22)
    with mock.patch.object(worker_module, "BEAT_SECONDS", 0.01):
        call_command("run_worker", "--burst", "--no-scheduler")
    assert DBTaskResult.objects.get().return_value == 42


# A real worker process, killed with SIGKILL right after its effect -------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second process shares PostgreSQL, not SQLite"
)
def test_a_worker_killed_after_sending_an_email_sends_it_once_all_told(cast, tmp_path):
    smtp = SmtpServer().start()
    received = smtp.received
    note = _notification(cast)
    with override_settings(TASKS=DATABASE_TASKS):
        enqueue(worker_tasks.mail_then_die_once, [note.pk], str(tmp_path / "killed"))
    settings_dict = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
        ),
        "TASK_BACKEND": "database",
        "EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "PORTAL_WORKER_LOST_AFTER": "5",
    }
    command = [sys.executable, "manage.py", "run_worker", "--no-scheduler", "--interval", "0.2"]
    try:
        first = subprocess.run(command, env=env, cwd=ROOT, timeout=60, check=False)  # noqa: S603
        assert first.returncode == -signal.SIGKILL
        assert len(received) == 1
        second = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603 - as systemd restarts it
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                job = DBTaskResult.objects.get()
                if job.status == TaskResultStatus.SUCCESSFUL:
                    break
                time.sleep(0.5)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
    finally:
        smtp.stop()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert len(job.worker_ids) == 2  # handed to the restarted worker
    assert len(received) == 1  # the e-mail went out once
    assert smtp.messages()[0]["Message-ID"].startswith(f"<notification-{note.pk}@")
