"""The load balancer's health check: no login, no data, 503 when a dependency is down."""

from unittest import mock

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthy_without_login(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_unavailable_when_the_cache_is_down(client):
    with mock.patch("portal.health.cache.get", side_effect=ConnectionError("redis down")):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["cache"] == "down"


def test_only_get(client):
    assert client.post(reverse("health")).status_code == 405
