"""The load balancer's health check: no login, no data, 503 only without the database."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_healthy_without_login(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "tasks": "ok",
        "tasks_waiting": 0,  # the demo runs tasks at once: never a backlog
        "tasks_oldest_waiting_seconds": 0,
        "tasks_running": 0,
        "tasks_failed": 0,
        "workers": 0,
        "last_periodic_run": None,
    }
    assert "no-cache" in response["Cache-Control"]


def test_a_cache_outage_is_reported_but_keeps_the_process_in_rotation(client):
    """Redis is a cache only: without it pages go on, so the balancer must not take
    every web process out at once."""
    with mock.patch("portal.shell.health.cache.get", side_effect=ConnectionError("redis down")):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cache"]) == ("ok", "down")


def test_unavailable_without_the_database(client):
    with mock.patch("portal.shell.health._database", return_value=False):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "down",
        "cache": "ok",
        "tasks": "unknown",
    }


def test_only_get(client):
    assert client.post(reverse("health")).status_code == 405


def test_reports_the_background_work_recorded_in_the_database(client, settings):
    from django_tasks_db.models import DBTaskResult

    from portal.core.models import ScheduledRun, WorkerBeat

    settings.TASKS = DATABASE_TASKS
    now = timezone.now()
    for status in ["READY", "READY", "RUNNING", "FAILED"]:
        DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="portal.core.tasks.clear_expired_sessions",
            backend_name="default",
            run_after=now,
            status=status,
        )
    DBTaskResult.objects.filter(status="READY").update(enqueued_at=now - timedelta(seconds=90))
    WorkerBeat.objects.create(worker_id="alive", hostname="h", pid=1, seen_at=now)
    WorkerBeat.objects.create(
        worker_id="gone", hostname="h", pid=2, seen_at=now - timedelta(minutes=5)
    )
    ScheduledRun.objects.create(name="webhooks", slot=now, queued_at=now)

    response = client.get(reverse("health"))
    assert response.status_code == 200  # a backlog is the workers' problem, not this process's
    body = response.json()
    assert (body["tasks_waiting"], body["tasks_running"], body["tasks_failed"]) == (2, 1, 1)
    assert 90 <= body["tasks_oldest_waiting_seconds"] < 120
    assert body["workers"] == 1
    assert body["last_periodic_run"] == now.isoformat()


def test_liveness_touches_neither_database_nor_cache(client, django_assert_num_queries):
    with (
        mock.patch("portal.shell.health.cache.get", side_effect=ConnectionError("redis down")),
        django_assert_num_queries(0),
    ):
        response = client.get(reverse("health_live"))
    assert (response.status_code, response.content) == (200, b"ok")
