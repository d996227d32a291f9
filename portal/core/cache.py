"""Redis as a cache that may go away (``CACHE_URL=redis://…``).

Nothing the portal keeps only in the cache matters for correctness: sessions live
in the database, jobs in the database. So while Redis is away every read is a
miss and every write is dropped, instead of a 500 on every page. After a failure
the cache is skipped for ``PAUSE_SECONDS`` (a circuit breaker), so an outage
costs no connection attempt per call; a log line says the cache is away, and
``/health/`` shows ``"cache": "down"`` without taking the web process out.

What that means for rate limits (login attempts, API throttles; both count in
the cache): while Redis is away they count nothing, so they do not limit. The
portal chooses that over refusing every login during a Redis restart; two-step
login still guards every account that can read arrears. docs/security.md says so.
"""

from __future__ import annotations

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("portal.core.cache")

PAUSE_SECONDS = 2.0


def _tolerant(default=None):
    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            if self.away():
                return default
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                self.went_away(error)
                return default

        return wrapper

    return decorate


class TolerantRedisCache(RedisCache):
    _away_until = 0.0

    def away(self) -> bool:
        return time.monotonic() < self._away_until

    def went_away(self, error: Exception) -> None:
        if not self.away():
            logger.warning("cache away (%s): pages go on without it", error)
        type(self)._away_until = time.monotonic() + PAUSE_SECONDS

    def is_available(self) -> bool:
        """Whether Redis answers now (for /health/; ignores the pause)."""
        try:
            self._cache.get_client(write=False).ping()
        except RedisError as error:
            self.went_away(error)
            return False
        type(self)._away_until = 0.0
        return True

    add = _tolerant(False)(RedisCache.add)
    set = _tolerant(None)(RedisCache.set)
    touch = _tolerant(False)(RedisCache.touch)
    delete = _tolerant(False)(RedisCache.delete)
    get_many = _tolerant({})(RedisCache.get_many)
    has_key = _tolerant(False)(RedisCache.has_key)
    set_many = _tolerant([])(RedisCache.set_many)
    delete_many = _tolerant(None)(RedisCache.delete_many)
    clear = _tolerant(False)(RedisCache.clear)

    def get(self, key, default=None, version=None):
        if self.away():
            return default
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self.went_away(error)
            return default

    def incr(self, key, delta=1, version=None):
        """Counting while Redis is away: the key counts as missing (ValueError), as for
        any cache miss; callers that count (rate limits) then start again at 1."""
        if self.away():
            raise ValueError(f"Key '{key}' not found (cache away)")
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self.went_away(error)
            raise ValueError(f"Key '{key}' not found (cache away)") from None
