"""The task queue of production (TASK_BACKEND=rq): django-rq's queue, with retries.

A task that raises is run again after 1, 5 and 30 minutes (RQ's own retries, run
by workers started with ``--with-scheduler``); only after the third retry does it
count as failed. Failed tasks stay in RQ's failed-job registry, which platform
admins see, with the error, under *Platform admin → Task queue*
(``/admin/queues/``) and can requeue from there; ``/health/`` reports how many
there are.
"""

from __future__ import annotations

from django_rq.queues import DjangoRQ
from rq import Retry

RETRY_AFTER_SECONDS = [60, 5 * 60, 30 * 60]


def default_retry() -> Retry:
    return Retry(max=len(RETRY_AFTER_SECONDS), interval=RETRY_AFTER_SECONDS)


class RetryingQueue(DjangoRQ):
    def create_job(self, *args, retry: Retry | None = None, **kwargs):
        return super().create_job(*args, retry=retry or default_retry(), **kwargs)
