"""Redis away: the cache misses instead of failing, and pages and the API go on."""

import socket

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from portal.core import cache as tolerant
from tests.portal.conftest import bearer

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


@pytest.fixture
def redis_away(monkeypatch):
    monkeypatch.setattr(tolerant.TolerantRedisCache, "_away_until", 0.0)
    away = {
        "default": {
            "BACKEND": "portal.core.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=away):
        yield caches["default"]


def test_reads_miss_and_writes_are_dropped(redis_away):
    assert redis_away.get("k", "default") == "default"
    redis_away.set("k", 1)
    assert redis_away.add("k", 1) is False
    assert redis_away.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        redis_away.incr("k")  # a miss, as for any missing key
    assert redis_away.is_available() is False


def test_after_a_failure_the_cache_is_skipped_for_a_moment(redis_away, monkeypatch):
    redis_away.get("k")
    calls = []
    monkeypatch.setattr(tolerant.RedisCache, "get", lambda *a, **k: calls.append(1), raising=True)
    assert redis_away.get("k") is None
    assert calls == []  # no connection attempt while it counts as away


def test_pages_login_and_the_api_work_while_redis_is_away(cast, client, make_token, redis_away):
    assert client.get(reverse("account_login")).status_code == 200
    client.force_login(cast.social_worker)
    assert client.get(reverse("referral_inbox")).status_code == 200
    _token, secret = make_token(cast.partner_worker)
    response = client.get("/api/v1/referrals/sent/", **bearer(secret))
    assert response.status_code == 200  # the throttle counts nothing, and does not fail
    health = client.get(reverse("health"))
    assert (health.status_code, health.json()["cache"]) == (200, "down")


def test_with_redis_running_it_is_an_ordinary_cache(monkeypatch):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    monkeypatch.setattr(tolerant.TolerantRedisCache, "_away_until", 0.0)
    here = {
        "default": {
            "BACKEND": "portal.core.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
        }
    }
    with override_settings(CACHES=here):
        cache = caches["default"]
        cache.set("portal-test", 41)
        assert cache.incr("portal-test") == 42
        assert cache.is_available() is True
        cache.delete("portal-test")
