"""The load balancer's health check: no login, no data, 503 when a dependency is down."""

from unittest import mock

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthy_without_login(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "tasks": "ok",
        "tasks_waiting": 0,  # the demo runs tasks at once: never a backlog
        "tasks_failed": 0,
    }
    assert "no-cache" in response["Cache-Control"]


def test_unavailable_when_the_cache_is_down(client):
    with mock.patch("portal.shell.health.cache.get", side_effect=ConnectionError("redis down")):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["cache"] == "down"


def test_only_get(client):
    assert client.post(reverse("health")).status_code == 405


RQ = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def test_reports_the_task_backlog_of_the_queue(client, settings):
    settings.TASKS = RQ
    queue = mock.Mock(count=12, failed_job_registry=mock.Mock(count=2))
    with mock.patch("portal.shell.health._rq_queue", return_value=queue):
        response = client.get(reverse("health"))
    assert response.status_code == 200  # a backlog is the workers' problem, not this process's
    body = response.json()
    assert (body["tasks"], body["tasks_waiting"], body["tasks_failed"]) == ("ok", 12, 2)


def test_unavailable_when_the_task_queue_does_not_answer(client, settings):
    settings.TASKS = RQ
    with mock.patch("portal.shell.health._rq_queue", side_effect=ConnectionError("redis down")):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["tasks"] == "down"


def test_liveness_touches_neither_database_nor_cache(client, django_assert_num_queries):
    with (
        mock.patch("portal.shell.health.cache.get", side_effect=ConnectionError("redis down")),
        django_assert_num_queries(0),
    ):
        response = client.get(reverse("health_live"))
    assert (response.status_code, response.content) == (200, b"ok")
