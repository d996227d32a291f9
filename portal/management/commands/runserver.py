"""``runserver`` that also runs a task worker with the scheduler in a thread.

So the quick-start demo does its periodic work by itself (an overdue home visit
alerts the team) without a second command. Off with PORTAL_RUNSERVER_WORKER=false,
and never in production (gunicorn serves there, workers run apart).
"""

from __future__ import annotations

import os
import threading

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as StaticRunserver


def start_embedded_worker() -> threading.Thread:
    from portal.core.tasks import records_jobs_in_database
    from portal.core.worker import Worker

    # With the immediate backend jobs run as they are queued: the thread only queues
    # (and so runs) the periodic work. With the database backend it runs jobs too.
    worker = Worker(interval=1.0, beat_thread=False, scheduler=True)
    if not records_jobs_in_database():
        worker.take = lambda: None  # type: ignore[method-assign]
    thread = threading.Thread(target=worker.run, name="portal-worker", daemon=True)
    thread.start()
    return thread


class Command(StaticRunserver):
    help = StaticRunserver.help + " Also runs the periodic work (PORTAL_RUNSERVER_WORKER)."

    def inner_run(self, *args, **options):
        # With the autoreloader, only the child that serves runs the worker.
        serving = not options.get("use_reloader") or os.environ.get("RUN_MAIN") == "true"
        if settings.PORTAL_RUNSERVER_WORKER and serving:
            start_embedded_worker()
        super().inner_run(*args, **options)
