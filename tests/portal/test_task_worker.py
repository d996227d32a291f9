"""TASK_BACKEND=rq: tasks go to a Redis queue and a worker process runs them.

These tests use the Redis server on 127.0.0.1:6379 (database 15, emptied first)
and are skipped with a message when it is not running.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.tasks import TaskResultStatus
from django.test import override_settings

redis = pytest.importorskip("redis")
django_rq = pytest.importorskip("django_rq")

QUEUE_URL = "redis://127.0.0.1:6379/15"
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": QUEUE_URL}}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queue():
    server = redis.Redis.from_url(QUEUE_URL)
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    # The whole test database: the queue, and the registries of failed and scheduled
    # jobs that emptying the queue leaves (an earlier run's failures, say).
    server.flushdb()
    with override_settings(TASKS=RQ_TASKS, RQ_QUEUES=RQ_QUEUES):
        from django_tasks_rq import Job

        yield django_rq.get_queue("default", job_class=Job)
    server.flushdb()


@pytest.mark.django_db
def test_a_project_task_waits_in_redis_until_a_worker_runs_it(queue):
    from django_tasks_rq import Job
    from rq import SimpleWorker

    from training.tasks import send_session_reminders

    result = send_session_reminders.enqueue(within_days=2)
    assert queue.count == 1
    assert send_session_reminders.get_result(result.id).status == TaskResultStatus.READY

    # A worker in this process (no fork), so it shares the test's database transaction.
    worker = django_rq.get_worker("default", worker_class=SimpleWorker, job_class=Job)
    assert worker.work(burst=True)

    done = send_session_reminders.get_result(result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == 0
    assert queue.count == 0


def test_the_documented_worker_command_runs_enqueued_tasks(queue):
    from tests.portal.worker_tasks import add

    result = add.enqueue(2, 3)
    env = {
        **os.environ,
        "TASK_BACKEND": "rq",
        "TASK_QUEUE_URL": QUEUE_URL,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    # The command of docs/deployment.md, stopping once the queue is empty.
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "rqworker",
            "--burst",
            "--job-class",
            "django_tasks_rq.Job",
            "default",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    done = add.get_result(result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == 5


RETRYING = {"QUEUE_CLASS": "portal.core.task_queue.RetryingQueue"}


def _work_until_empty():
    from django_tasks_rq import Job
    from rq import SimpleWorker

    worker = django_rq.get_worker("default", worker_class=SimpleWorker, job_class=Job)
    worker.work(burst=True)


@pytest.fixture
def no_waiting(monkeypatch):
    """Retries at once instead of after 1, 5 and 30 minutes, so one burst sees them."""
    from portal.core import task_queue
    from tests.portal.worker_tasks import ATTEMPTS

    monkeypatch.setattr(task_queue, "RETRY_AFTER_SECONDS", [0, 0, 0])
    ATTEMPTS.clear()


@pytest.mark.django_db
def test_a_failing_task_is_retried_until_it_succeeds(queue, no_waiting):
    from tests.portal.worker_tasks import flaky

    with override_settings(RQ=RETRYING):
        result = flaky.enqueue("twice", fail_times=2)
        _work_until_empty()
    done = flaky.get_result(result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == 3  # two failures, then the third run
    assert queue.failed_job_registry.count == 0


@pytest.mark.django_db
def test_a_task_that_keeps_failing_ends_among_the_failed(queue, no_waiting):
    from tests.portal.worker_tasks import flaky

    with override_settings(RQ=RETRYING):
        result = flaky.enqueue("always", fail_times=99)
        _work_until_empty()
    assert flaky.get_result(result.id).status == TaskResultStatus.FAILED
    assert queue.failed_job_registry.get_job_ids() == [result.id]
    from tests.portal.worker_tasks import ATTEMPTS

    assert ATTEMPTS["always"] == 4  # the first run and three retries


@pytest.fixture
def queue_pages(settings):
    """The URLs as production has them: with the task queue's admin pages."""
    import importlib

    from django.urls import clear_url_caches

    import portal.shell.urls

    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_rq"]
    importlib.reload(portal.shell.urls)
    clear_url_caches()
    yield
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "django_rq"]
    importlib.reload(portal.shell.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_platform_admins_see_failed_tasks_and_nobody_else_does(
    queue, no_waiting, queue_pages, cast, client
):
    from tests.portal.worker_tasks import flaky

    with override_settings(RQ=RETRYING):
        result = flaky.enqueue("shown", fail_times=99)
        _work_until_empty()
    failed_page = "/admin/queues/queues/0/failed/"
    for person in (None, cast.social_worker, cast.org_admin):
        client.logout()
        if person:
            client.force_login(person)
        response = client.get(failed_page)
        assert response.status_code == 302, person  # to the admin's log-in
        assert result.id not in response.content.decode()
    client.force_login(cast.platform_admin)
    page = client.get(failed_page)
    assert page.status_code == 200
    assert result.id in page.content.decode()
