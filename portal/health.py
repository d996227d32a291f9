"""The load balancer's health check: is this web process able to serve pages?

``GET /health/`` answers 200 when the database and the cache answer, 503
otherwise. It needs no login, shows no data and writes nothing, so a load
balancer may call it every few seconds.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def health(request):
    checks = {"database": _database(), "cache": _cache()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            **{k: "ok" if v else "down" for k, v in checks.items()},
        },
        status=200 if healthy else 503,
    )


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means: take this process out of rotation
        return False


def _cache() -> bool:
    try:
        cache.get("portal:health")
    except Exception:
        return False
    return True
