"""The load balancer's health check: is this web process able to serve pages?

``GET /health/`` answers 200 when the database, the cache and the task queue
answer, 503 otherwise. It also reports the task backlog (jobs waiting, jobs
failed) for monitoring: a backlog alone does not take a web process out of
rotation, as it is the workers' problem, not this process's. It needs no login,
shows no data and writes nothing, so a load balancer may call it every few
seconds.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def health(request):
    backlog = _task_backlog()
    checks = {"database": _database(), "cache": _cache(), "tasks": backlog is not None}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            **{k: "ok" if v else "down" for k, v in checks.items()},
            "tasks_waiting": backlog["waiting"] if backlog else None,
            "tasks_failed": backlog["failed"] if backlog else None,
        },
        status=200 if healthy else 503,
    )


@never_cache
@require_GET
def live(request):
    """Liveness: this process answers requests. Touches nothing else, so a process
    manager restarts the process only for its own failures, never because the
    database or Redis is away (that is what /health/ is for)."""
    return HttpResponse("ok", content_type="text/plain")


def _rq_queue():
    import django_rq

    return django_rq.get_queue("default")


def _task_backlog() -> dict | None:
    """Jobs waiting in the queue and jobs that failed (kept for a platform admin to look
    at and requeue); None when the queue does not answer. Without a queue (the demo
    runs tasks at once) there is never a backlog."""
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_rq.RQBackend":
        return {"waiting": 0, "failed": 0}
    try:
        queue = _rq_queue()
        return {"waiting": queue.count, "failed": queue.failed_job_registry.count}
    except Exception:  # Redis down or unreachable: this process cannot enqueue work
        return None


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
