"""The task worker (``manage.py run_worker``): runs the jobs recorded in the database.

Each worker process loops:

1. **Beat.** Every ``BEAT_SECONDS`` it writes its :class:`WorkerBeat`, naming the job
   it runs (from a thread of its own, so a long import keeps beating).
2. **Housekeeping**, every ``HOUSEKEEPING_SECONDS``: a RUNNING job whose worker is gone
   (no beat for ``PORTAL_WORKER_LOST_AFTER`` seconds, a kill -9 say) or whose worker
   no longer names it (it lost the database while running it) is handed back to
   the queue at once; and the periodic jobs that are due are queued
   (:mod:`portal.core.schedule`, safe with any number of workers).
3. **Take** the next READY job: highest priority first (:class:`Priority`), then the
   oldest; ``SELECT … FOR UPDATE SKIP LOCKED`` so two workers never take the same
   one, marked RUNNING in the same transaction.
4. **Run** it. A job that raises runs again after 10 s, 1, 5 and 30 minutes; after
   the fifth attempt it is FAILED (kept for platform admins in the admin, counted
   by ``/health/``). Jobs are idempotent (portal/core/tasks.py), so a job handed
   back after its effect has the effect once.

The database away (PostgreSQL restarting): the worker closes its connections, waits
(1 s, doubling to 15 s) and goes on by itself. SIGTERM or SIGINT: it finishes the
job it runs, then stops; a second signal stops it at once (the job is handed back).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from datetime import timedelta
from traceback import format_exception

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections
from django.db import connection as default_connection
from django.tasks import TaskContext, TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from portal.core import schedule
from portal.core.models import WorkerBeat

logger = logging.getLogger("portal.core.worker")

RETRY_AFTER_SECONDS = [10, 60, 5 * 60, 30 * 60]
MAX_ATTEMPTS = len(RETRY_AFTER_SECONDS) + 1
BEAT_SECONDS = 5.0
HOUSEKEEPING_SECONDS = 5.0
# Errors that mean "the database is away", not "the job is wrong".
DATABASE_AWAY = (OperationalError, InterfaceError)


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


class Worker:
    def __init__(
        self,
        *,
        worker_id: str | None = None,
        queues: tuple[str, ...] = ("default",),
        interval: float = 0.5,
        scheduler: bool = True,
        beat_thread: bool = True,
        max_jobs: int | None = None,
        burst: bool = False,
        backend: str = "default",
    ) -> None:
        self.worker_id = worker_id or new_worker_id()
        self.queues = queues
        self.interval = interval
        self.scheduler = scheduler
        self.beat_thread = beat_thread
        self.max_jobs = max_jobs
        self.burst = burst
        self.backend = backend
        self.stopping = threading.Event()
        self.current = None  # the id of the job running now
        self.jobs_run = 0
        self._lock = threading.Lock()
        self._last_housekeeping = 0.0
        self._last_beat = 0.0

    # The loop ---------------------------------------------------------------------

    def run(self) -> None:
        logger.info("worker %s started (queues %s)", self.worker_id, ",".join(self.queues))
        beater = None
        if default_connection.in_atomic_block:
            # A test's transaction: a thread's own connection would wait on its rows.
            self.beat_thread = False
        if self.beat_thread:
            beater = threading.Thread(target=self._beat_forever, name="beat", daemon=True)
            beater.start()
        pause = 1.0
        try:
            while not self.stopping.is_set():
                try:
                    if not default_connection.in_atomic_block:  # (a test's transaction)
                        close_old_connections()
                    if not self.beat_thread:
                        self._beat_if_due()
                    self._housekeeping_if_due()
                    job = self.take()
                    pause = 1.0
                except DATABASE_AWAY as error:
                    logger.warning("database away (%s); trying again in %.0f s", error, pause)
                    self._forget_connection()
                    self.stopping.wait(pause)
                    pause = min(pause * 2, 15.0)
                    continue
                if job is None:
                    if self.burst:
                        break
                    self.stopping.wait(self.interval)
                    continue
                self.run_job(job)
                if self.max_jobs is not None and self.jobs_run >= self.max_jobs:
                    break
        finally:
            self.stopping.set()
            if beater is not None:
                beater.join(timeout=BEAT_SECONDS + 1)
            self._sign_off()
            logger.info("worker %s stopped after %s job(s)", self.worker_id, self.jobs_run)

    def stop(self) -> None:
        self.stopping.set()

    # Taking and running a job -------------------------------------------------------

    def take(self) -> DBTaskResult | None:
        ready = (
            DBTaskResult.objects.ready()
            .filter(backend_name=self.backend, queue_name__in=self.queues)
            .order_by("-priority", "run_after", "enqueued_at")
        )
        with self._lock, exclusive_transaction(ready.db):
            job = ready.get_locked()
            if job is None:
                return None
            job.claim(self.worker_id)
            self.current = job.id
            self._write_beat()
        return job

    def run_job(self, job: DBTaskResult) -> None:
        try:
            task = job.task
            result = job.task_result
            task_started.send(sender=type(task.get_backend()), task_result=result)
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
            else:
                value = task.call(*result.args, **result.kwargs)
            job.set_successful(value)
            task_finished.send(sender=type(task.get_backend()), task_result=job.task_result)
        except DATABASE_AWAY:
            # Nothing can be written now; housekeeping hands the job back once the
            # database answers (this worker no longer names it).
            raise
        except (KeyboardInterrupt, SystemExit):
            # Stopped at once (a second signal): the job goes back to the queue.
            DBTaskResult.objects.filter(pk=job.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, run_after=timezone.now()
            )
            raise
        except Exception as error:
            self._after_failure(job, error)
        finally:
            with self._lock:
                self.current = None
            self.jobs_run += 1

    def _after_failure(self, job: DBTaskResult, error: Exception) -> None:
        attempts = len(job.worker_ids)
        if attempts >= MAX_ATTEMPTS:
            logger.error("job %s (%s) failed for good", job.id, job.task_path)
            job.set_failed(error)
            return
        delay = RETRY_AFTER_SECONDS[attempts - 1]
        logger.warning("job %s (%s) failed; again in %s s", job.id, job.task_path, delay)
        DBTaskResult.objects.filter(pk=job.pk).update(
            status=TaskResultStatus.READY,
            run_after=timezone.now() + timedelta(seconds=delay),
            exception_class_path=f"{type(error).__module__}.{type(error).__qualname__}",
            traceback="".join(format_exception(error)),
        )

    # Housekeeping ------------------------------------------------------------------

    def _housekeeping_if_due(self) -> None:
        if time.monotonic() - self._last_housekeeping < HOUSEKEEPING_SECONDS:
            return
        self._last_housekeeping = time.monotonic()
        hand_back_orphans()
        if self.scheduler:
            schedule.queue_due()

    # Beats -------------------------------------------------------------------------

    def _beat_forever(self) -> None:
        try:
            while not self.stopping.wait(BEAT_SECONDS if self._last_beat else 0):
                self._beat_if_due()
        finally:
            default_connection.close()  # this thread's own connection

    def _beat_if_due(self) -> None:
        if time.monotonic() - self._last_beat < BEAT_SECONDS:
            return
        try:
            with self._lock:
                self._write_beat()
            self._last_beat = time.monotonic()
        except DatabaseError as error:
            logger.warning("could not write the heartbeat (%s)", error)
            self._forget_connection()

    def _write_beat(self) -> None:
        now = timezone.now()
        updated = WorkerBeat.objects.filter(pk=self.worker_id).update(
            seen_at=now, job_id=self.current
        )
        if not updated:
            WorkerBeat.objects.create(
                worker_id=self.worker_id,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
                seen_at=now,
                job_id=self.current,
            )

    def _sign_off(self) -> None:
        # With the database away the beat goes stale and is forgotten later.
        with contextlib.suppress(DatabaseError):
            WorkerBeat.objects.filter(pk=self.worker_id).delete()

    @staticmethod
    def _forget_connection() -> None:
        """Drop this thread's connection: the next query opens a new one."""
        if default_connection.in_atomic_block:
            return  # a test's transaction: closing would break it, not heal it
        with contextlib.suppress(DatabaseError):
            default_connection.close()


def hand_back_orphans(now=None) -> int:
    """Put RUNNING jobs whose worker is gone back in the queue; return how many.

    A job is orphaned when its last worker sent no beat for PORTAL_WORKER_LOST_AFTER
    seconds (killed, its host gone), or beats but names another job or none (it
    lost the database while running this one). A job that was handed back
    ``MAX_ATTEMPTS`` times fails instead of running forever."""
    now = now or timezone.now()
    lost_after = timedelta(seconds=settings.PORTAL_WORKER_LOST_AFTER)
    beats = {
        beat.worker_id: beat
        for beat in WorkerBeat.objects.filter(seen_at__gte=now - lost_after).only(
            "worker_id", "job_id"
        )
    }
    handed_back = 0
    for job in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        last = job.worker_ids[-1] if job.worker_ids else None
        beat = beats.get(last)
        started = job.started_at or now
        if beat is None:
            orphaned = started < now - lost_after
        else:
            orphaned = beat.job_id != job.id and started < now - timedelta(seconds=2 * BEAT_SECONDS)
        if not orphaned:
            continue
        running = DBTaskResult.objects.filter(pk=job.pk, status=TaskResultStatus.RUNNING)
        if len(job.worker_ids) >= MAX_ATTEMPTS:
            handed_back += running.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="portal.core.worker.WorkerLost",
                traceback=f"The worker {last} stopped while running this job, "
                f"{len(job.worker_ids)} times.",
            )
        else:
            handed_back += running.update(status=TaskResultStatus.READY, run_after=now)
            logger.warning("job %s handed back: worker %s is gone", job.id, last)
    WorkerBeat.objects.filter(seen_at__lt=now - 20 * lost_after).delete()
    return handed_back
