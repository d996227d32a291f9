"""The faults, each injected while the load runs. Each returns a line saying what it did."""

from __future__ import annotations

import os
import random
import signal
import time

from .procs import children, cpu_ticks, log


def _busiest(pids: list[int]) -> int:
    """The gunicorn worker that used the most CPU in the last 0.2 s: most likely in a request."""
    before = {pid: cpu_ticks(pid) for pid in pids}
    time.sleep(0.2)
    return max(pids, key=lambda pid: (cpu_ticks(pid) - before[pid], random.random()))


def kill_web_worker(drill) -> str:
    """kill -9 a gunicorn worker (a child of the master) a few times, busy ones first;
    the master forks a new one."""
    done = []
    for n in range(drill.cfg.web_kills):
        master = drill.stack.procs[f"web{n % 2 + 1}"]
        workers = children(master.pid) if master.pid else []
        if not workers:
            continue
        victim = _busiest(workers)
        os.kill(victim, signal.SIGKILL)
        log(f"fault: kill -9 gunicorn worker {victim} of {master.name}")
        done.append(f"{master.name}:{victim}")
        time.sleep(drill.cfg.web_kill_every)
    return f"kill -9 of {len(done)} gunicorn workers ({', '.join(done)})"


def stop_web_process(drill) -> str:
    """SIGTERM one whole gunicorn master (graceful stop); HAProxy must send everything to
    the other one. It is started again after a few seconds, like a deploy restart."""
    web = drill.stack.procs["web1"]
    started = time.monotonic()
    code = web.stop(signum=signal.SIGTERM, timeout=45)
    stopped = time.monotonic() - started
    log(f"fault: web1 stopped (SIGTERM, exit {code}, {stopped:.1f} s)")
    time.sleep(drill.cfg.web_down)
    web.release()
    web.start()
    log(f"fault: web1 started again (pid {web.pid})")
    return f"SIGTERM to web1's master (stopped in {stopped:.1f} s), down {drill.cfg.web_down:.0f} s"


def kill_task_worker(drill) -> str:
    """Confirm a large LAC import and kill -9 the worker that runs it, mid-import."""
    from django_tasks_db.models import DBTaskResult

    job = drill.confirm_import()
    deadline = time.monotonic() + 60
    row = None
    while time.monotonic() < deadline:
        row = DBTaskResult.objects.filter(pk=job).first()
        if row is not None and row.status != "READY":
            break
        time.sleep(0.05)
    if row is None or row.status != "RUNNING":
        return f"the import job was not seen running (status {row.status if row else '?'})"
    time.sleep(drill.cfg.import_kill_after)
    row.refresh_from_db()
    if row.status != "RUNNING":
        return f"the import took under {drill.cfg.import_kill_after} s: not killed mid-import"
    claimed = str(row.worker_ids[-1]) if row.worker_ids else ""
    victim = drill.stack.worker_named(claimed)
    victims = [victim] if victim else drill.stack.workers()  # unknown id: both, one at a time
    killed = []
    for worker in victims:
        row.refresh_from_db()
        if row.status != "RUNNING" or row.worker_ids[-1:] != [claimed]:
            break
        pid = worker.pid
        worker.signal(signal.SIGKILL)
        killed.append(f"{worker.name} (pid {pid})")
        log(f"fault: kill -9 {worker.name} (pid {pid}) while it runs the LAC import (id {claimed})")
        time.sleep(1.5)
    return f"kill -9 of {', '.join(killed) or 'nobody'} during the LAC import (worker id {claimed})"


def restart_redis(drill) -> str:
    redis = drill.stack.procs["redis"]
    redis.stop(signum=signal.SIGTERM, timeout=20)
    log(f"fault: Redis stopped for {drill.cfg.redis_down:.0f} s")
    time.sleep(drill.cfg.redis_down)
    redis.release()
    redis.start()
    log("fault: Redis started again (empty)")
    return f"Redis stopped {drill.cfg.redis_down:.0f} s, started again empty"


def restart_postgres(drill) -> str:
    pg = drill.stack.procs["postgres"]
    pg.stop(signum=signal.SIGINT, timeout=30)  # fast shutdown: sessions end, no new ones
    log(f"fault: PostgreSQL stopped (fast) for {drill.cfg.pg_down:.0f} s")
    time.sleep(drill.cfg.pg_down)
    pg.release()
    pg.start()
    log("fault: PostgreSQL started again")
    return f"PostgreSQL stopped (-m fast) {drill.cfg.pg_down:.0f} s, started again"


# (phase name, what the table calls it, the fault, whether a big import runs in it)
PHASES = [
    ("baseline", "none (baseline)", None),
    ("web-worker", "kill -9 a gunicorn worker", kill_web_worker),
    ("web-process", "stop one web process", stop_web_process),
    ("task-worker", "kill -9 a task worker mid-import", kill_task_worker),
    ("redis", "restart Redis", restart_redis),
    ("postgres", "restart PostgreSQL", restart_postgres),
]
