"""The load balancer's health check: is this web process able to serve pages?

``GET /health/`` answers 200 when the database answers, 503 otherwise: without
the database nothing works, while without Redis (a cache only) pages go on,
so a Redis outage shows as ``"cache": "down"`` but keeps the process in rotation.
It also reports the background work for monitoring: jobs waiting and how long the
oldest has waited, jobs running and failed, workers alive, the last periodic run.
A backlog or dead workers do not take a web process out of rotation either: they
are the workers' problem, not this process's. It needs no login, shows no data
and writes nothing, so a load balancer may call it every few seconds.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Min
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def health(request):
    database = _database()
    body = {
        "status": "ok" if database else "unavailable",
        "database": "ok" if database else "down",
        "cache": "ok" if _cache() else "down",
        **(_background() if database else {"tasks": "unknown"}),
    }
    return JsonResponse(body, status=200 if database else 503)


@never_cache
@require_GET
def live(request):
    """Liveness: this process answers requests. Touches nothing else, so a process
    manager restarts the process only for its own failures, never because the
    database or Redis is away (that is what /health/ is for)."""
    return HttpResponse("ok", content_type="text/plain")


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means: take this process out of rotation
        return False


def _cache() -> bool:
    available = getattr(cache, "is_available", None)
    if available is not None:
        return available()
    try:
        cache.get("portal:health")
    except Exception:
        return False
    return True


def _background() -> dict:
    """The queue in the database. With the immediate backend (demo) jobs run as they
    are queued: nothing ever waits."""
    from django_tasks_db.models import DBTaskResult

    from portal.core.models import ScheduledRun, WorkerBeat
    from portal.core.tasks import records_jobs_in_database

    now = timezone.now()
    latest = ScheduledRun.objects.order_by("-queued_at").values_list("queued_at", flat=True)
    latest = latest.first()
    report = {
        "tasks": "ok",
        "tasks_waiting": 0,
        "tasks_oldest_waiting_seconds": 0,
        "tasks_running": 0,
        "tasks_failed": 0,
        "workers": 0,
        "last_periodic_run": latest.isoformat() if latest else None,
    }
    if not records_jobs_in_database():
        return report
    ready = DBTaskResult.objects.ready()
    oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
    alive_since = now - timedelta(seconds=settings.PORTAL_WORKER_LOST_AFTER)
    report.update(
        tasks_waiting=ready.count(),
        tasks_oldest_waiting_seconds=round((now - oldest).total_seconds()) if oldest else 0,
        tasks_running=DBTaskResult.objects.running().count(),
        tasks_failed=DBTaskResult.objects.failed().count(),
        workers=WorkerBeat.objects.filter(seen_at__gte=alive_since).count(),
    )
    return report
