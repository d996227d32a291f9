"""Is everything whole? A thread that looks every half second, for "seconds to recover"."""

from __future__ import annotations

import threading
import time
from collections import Counter

from django.db import close_old_connections, connection

from .logscan import summarise_traceback


class Monitor(threading.Thread):
    """Every half second: is everything whole? Every process running, both web processes in
    HAProxy's rotation, no job waiting longer than 10 s, none held by a dead worker, none
    running longer than 120 s."""

    def __init__(self, stack):
        super().__init__(name="monitor", daemon=True)
        self.stack = stack
        self.halt = threading.Event()
        self.samples: list[tuple[float, bool, str]] = []
        self.lock = threading.Lock()
        # job id -> the first error it raised (a retry overwrites the row's traceback)
        self.first_errors: dict[str, str] = {}

    def run(self) -> None:
        while not self.halt.wait(0.5):
            ok, why = self._check()
            with self.lock:
                self.samples.append((time.monotonic(), ok, why))
        connection.close()

    def _check(self) -> tuple[bool, str]:
        down = [p.name for p in self.stack.procs.values() if not p.alive()]
        if down:
            return False, "down: " + ", ".join(down)
        try:
            states = self.stack.backends()
        except OSError as error:
            return False, f"haproxy: {error}"
        # "UP 1/2" is one failed check: still in rotation. "DOWN 1/2" is on its way back.
        if any(not s.startswith("UP") for s in states.values()):
            return False, f"haproxy: {states}"
        try:
            close_old_connections()
            return self._queue()
        except Exception as error:
            connection.close()
            return False, f"database: {type(error).__name__}"

    def _queue(self) -> tuple[bool, str]:
        from datetime import timedelta

        from django.db.models import Q
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult, get_date_max

        now = timezone.now()
        errors = DBTaskResult.objects.exclude(traceback="").values_list("pk", "traceback")
        for pk, traceback in errors:
            self.first_errors.setdefault(str(pk), summarise_traceback(traceback))
        waiting = DBTaskResult.objects.filter(
            Q(run_after=get_date_max()) | Q(run_after__lte=now),
            status="READY",
            enqueued_at__lt=now - timedelta(seconds=10),
        ).exists()
        if waiting:
            return False, "a job waits > 10 s"
        running = DBTaskResult.objects.filter(status="RUNNING").values_list(
            "worker_ids", "started_at"
        )
        for worker_ids, started in running:
            claimed = str(worker_ids[-1]) if worker_ids else ""
            owner = self.stack.worker_named(claimed)
            if owner is None or not owner.alive():
                return False, "a job is held by a dead worker"
            if started < now - timedelta(seconds=120):
                return False, "a job runs > 120 s"
        return True, ""

    def wait_whole(self, *, timeout: float) -> bool:
        """Wait until two samples in a row say everything is whole."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                last = self.samples[-2:]
            if len(last) == 2 and all(ok for _t, ok, _why in last):
                return True
            time.sleep(0.5)
        return False

    def recovered_after(self, fault_at: float, fault_end: float, failures: list[float]):
        """Seconds from the end of the fault (the kill, or the restart of what was stopped)
        to the first sample after which everything stayed whole and no request failed;
        None if it never got there."""
        with self.lock:
            samples = [s for s in self.samples if s[0] >= fault_at]
        if not samples or not samples[-1][1]:
            return None
        bad = [t for t, ok, _ in samples if not ok] + [f for f in failures if f >= fault_at]
        last_bad = max(bad, default=fault_at)
        good = [t for t, ok, _ in samples if ok and t > last_bad]
        return max(0.0, good[0] - fault_end) if good else None

    def reasons(self, since: float) -> Counter:
        with self.lock:
            return Counter(why for t, ok, why in self.samples if t >= since and not ok)
