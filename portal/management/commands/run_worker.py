"""Run a task worker: the jobs recorded in the database, and the periodic work.

Start two or more (systemd ``Restart=always``, see docs/deployment.md); any number
may run at once, on any host that reaches the database.
"""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand, CommandError

from portal.core.tasks import records_jobs_in_database
from portal.core.worker import Worker


class Command(BaseCommand):
    help = "Run background jobs and the periodic work (portal/core/worker.py)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queues", default="default", help="Comma-separated queues (default: default)."
        )
        parser.add_argument(
            "--interval", type=float, default=0.5, help="Seconds between looks at an empty queue."
        )
        parser.add_argument("--worker-id", default=None, help="Unique per worker (default: made).")
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Do not queue the periodic jobs."
        )
        parser.add_argument(
            "--burst", action="store_true", help="Stop when no job is ready (tests, one-offs)."
        )
        parser.add_argument("--max-jobs", type=int, default=None, help="Stop after this many.")

    def handle(self, *args, queues, interval, worker_id, no_scheduler, burst, max_jobs, **options):
        if not records_jobs_in_database():
            raise CommandError(
                "TASK_BACKEND is not 'database': jobs run when they are queued, there is "
                "nothing for a worker to do."
            )
        if interval <= 0 or (max_jobs is not None and max_jobs < 1):
            raise CommandError("--interval must be above 0 and --max-jobs 1 or more.")
        worker = Worker(
            worker_id=worker_id,
            queues=tuple(q.strip() for q in queues.split(",") if q.strip()),
            interval=interval,
            scheduler=not no_scheduler,
            burst=burst,
            max_jobs=max_jobs,
        )

        def stop(signum, frame):
            if worker.stopping.is_set():
                raise SystemExit(1)  # a second signal: stop now, the job is handed back
            self.stdout.write("Stopping after the current job (again to stop now).")
            worker.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker.run()
