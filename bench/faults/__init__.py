"""The fault drill (issue #17): nothing lost when Redis, a worker or the database goes away.

See bench/faults.py for how to run it and docs/reliability.md for what it found.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import audit, logscan, report, world
from .faults import PHASES
from .load import Load
from .monitor import Monitor
from .procs import free_port, log
from .sinks import HookSink, MailSink
from .stack import Stack


@dataclass
class Config:
    clients: int
    phase_seconds: float  # load per phase
    fault_at: float  # seconds into the phase
    after_fault: float  # at least this much load after the fault's end
    max_requests: int  # per phase
    pause: float  # between a client's writes
    drain_timeout: float
    web_kills: int
    web_kill_every: float
    web_down: float
    redis_down: float
    pg_down: float
    small_import: int
    big_import: int
    import_kill_after: float


FULL = Config(
    clients=6,
    phase_seconds=40,
    fault_at=8,
    after_fault=15,
    max_requests=4000,
    pause=0.1,
    drain_timeout=120,
    web_kills=6,
    web_kill_every=2.0,
    web_down=8,
    redis_down=10,
    pg_down=5,
    small_import=1000,
    big_import=10000,
    import_kill_after=1.0,
)
SHORT = Config(
    clients=4,
    phase_seconds=14,
    fault_at=3,
    after_fault=8,
    max_requests=1200,
    pause=0.1,
    drain_timeout=30,
    web_kills=3,
    web_kill_every=1.5,
    web_down=4,
    redis_down=10,
    pg_down=5,
    small_import=300,
    big_import=6000,
    import_kill_after=0.7,
)


class Drill:
    def __init__(self, cfg: Config, stack: Stack, mail: MailSink, hooks: HookSink, world_):
        self.cfg = cfg
        self.stack = stack
        self.mail = mail
        self.hooks = hooks
        self.world = world_
        self.phase = ""

    def confirm_import(self) -> str:
        return world.confirm_import(self.world, self.phase)

    def run_phase(self, name: str, label: str, fault, monitor: Monitor) -> audit.Result:
        self.phase = name
        cfg = self.cfg
        log(f"=== phase {name}: {label}")
        start = audit.marks()
        offsets = logscan.note_offsets(self.stack)
        bad_before = self.hooks.bad_signatures
        load = Load(
            phase=name,
            port=self.stack.lb_port,
            world=self.world,
            clients=cfg.clients,
            max_requests=cfg.max_requests,
            pause=cfg.pause,
        )
        began = time.monotonic()
        load.start()
        if name != "task-worker":  # that fault confirms its own, large list
            self.confirm_import()  # a small list in every other phase: imports must survive too
        time.sleep(cfg.fault_at if fault else 0)
        fault_at = time.monotonic()
        what = fault(self) if fault else "no fault"
        fault_done = time.monotonic()
        rest = max(cfg.phase_seconds - (fault_done - began), cfg.after_fault if fault else 0)
        time.sleep(rest)
        load.stop()
        log(f"load stopped after {time.monotonic() - began:.0f} s, {load.requests()} requests")
        waited, left = audit.drain(
            start, self.mail, self.hooks, timeout=cfg.drain_timeout, quiet_for=10
        )
        # Recovery is judged once everything is whole again (or after a minute).
        monitor.wait_whole(timeout=60)
        result = audit.Result(phase=name, fault=label)
        result.notes.append(what)
        result.notes.append(
            f"queue drained in {waited:.0f} s"
            + (f", still outstanding: {left}" if any(left.values()) else "")
        )
        audit.count(
            result,
            load,
            start,
            self.mail,
            self.hooks,
            lac_import_id=self.world.imports[name],
            first_errors=dict(monitor.first_errors),
        )
        failures = [a.at for a in load.attempts() if a.failed]
        result.recover = monitor.recovered_after(fault_at, fault_done, failures)
        if fault is None and result.recover is not None:
            result.recover = 0.0
        unhealthy = monitor.reasons(fault_at)
        if unhealthy:
            result.notes.append(
                "not whole while: "
                + "; ".join(f"{why} ({n / 2:.1f} s)" for why, n in unhealthy.most_common(4))
            )
        result.errors += logscan.log_errors(self.stack, offsets)
        result.bad_signatures = self.hooks.bad_signatures - bad_before
        audit.describe(result)
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--short", action="store_true", help="the CI version: fewer requests, shorter phases"
    )
    parser.add_argument(
        "--only", action="append", choices=[p[0] for p in PHASES], help="run only these phases"
    )
    parser.add_argument("--keep", action="store_true", help="keep the folder with the logs")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/reliability.md")
    args = parser.parse_args(argv)
    cfg = SHORT if args.short else FULL
    phases = [p for p in PHASES if not args.only or p[0] in args.only]
    if args.short and not args.only:
        phases = [p for p in phases if p[0] != "baseline"]

    load1, load5, load15 = os.getloadavg()
    log(
        f"fault drill ({'short' if args.short else 'full'}): load average "
        f"{load1:.2f} {load5:.2f} {load15:.2f} on {os.cpu_count()} cores"
    )
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="lac-faults-"))
    tmp.chmod(0o755)  # PostgreSQL runs as its own user and needs to reach its folder
    stack = Stack(tmp=tmp, short=args.short)
    mail, hooks = MailSink(), HookSink(free_port())
    stack.smtp_port, stack.hook_port = free_port(), hooks.server_address[1]
    previous = signal.signal(signal.SIGTERM, _interrupt)
    results: list[audit.Result] = []
    monitor = None
    failed = True
    try:
        mail.start(stack.smtp_port)
        hooks.start()
        stack.start_stores()
        stack.prepare_database()
        world.setup_django(stack.env())
        world_ = world.build(clients=cfg.clients, hook_url=f"http://127.0.0.1:{stack.hook_port}")
        hooks.secrets = world_.endpoint_secrets
        for name, _label, _fault in phases:
            rows = cfg.big_import if name == "task-worker" else cfg.small_import
            world.prepare_import(world_, name, rows)
        stack.start_services()
        monitor = Monitor(stack)
        monitor.start()
        drill = Drill(cfg, stack, mail, hooks, world_)
        for name, label, fault in phases:
            results.append(drill.run_phase(name, label, fault, monitor))
        failed = any(r.lost_something for r in results)
    finally:
        if monitor is not None:
            monitor.halt.set()
        log("stopping everything")
        stack.stop()
        mail.stop()
        hooks.stop()
        signal.signal(signal.SIGTERM, previous)
        if args.keep:
            log(f"kept {tmp} (the database in pgdata/, every process's log in logs/)")
        elif failed:
            for heavy in ("pgdata", "static", "media"):
                shutil.rmtree(tmp / heavy, ignore_errors=True)
            log(f"logs kept in {tmp}/logs")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    seconds = time.monotonic() - started
    text = report.table(results)
    print()
    print(text)
    print()
    print(report.details(results))
    if not args.no_doc and not args.only:
        report.write_doc(
            results, short=args.short, seconds=seconds, worker=stack.worker_kind, cfg=cfg
        )
    log(
        f"fault drill took {seconds:.0f} s; " + ("SOMETHING WAS LOST" if failed else "nothing lost")
    )
    return 1 if failed else 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
