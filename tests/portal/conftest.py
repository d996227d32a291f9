from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from portal.core import tokens


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the (locmem) cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_token(db):
    """``make_token(user, scope="write", days=30)`` → (token, secret)."""

    def make(user, *, scope="write", days=30, name="Integratie"):
        return tokens.create_token(
            actor=user, name=name, scope=scope, expires_at=timezone.now() + timedelta(days=days)
        )

    return make


def bearer(secret: str) -> dict:
    """Request headers for a bearer token (Django test client keyword arguments)."""
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
