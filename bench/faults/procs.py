"""The drill's processes and the supervisor that restarts them, as systemd would.

Every process runs in its own process group (``start_new_session``), writes to its
own log file in the drill's folder and is stopped by group at the end, also after
Ctrl-C or an exception. The supervisor restarts a process that died about a second
later (``Restart=always``, ``RestartSec=1``) unless the drill holds it down on purpose
(a fault that stops PostgreSQL for five seconds, say).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

HOST = "127.0.0.1"
RESTART_AFTER = 1.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (gunicorn's workers), read from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after it.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


T0 = time.monotonic()


def log(message: str) -> None:
    """Seconds since the drill started (the wall clock's zone changes once Django is set up)."""
    print(f"[{time.monotonic() - T0:6.1f}s] {message}", flush=True)


class Proc:
    """One supervised process: started, watched, restarted, stopped by group."""

    def __init__(
        self,
        name: str,
        argv: Callable[[Proc], list[str]],
        *,
        env: dict[str, str],
        cwd: Path,
        logfile: Path,
        user: str | None = None,
        stop_signal: int = signal.SIGTERM,
    ):
        self.name = name
        self.argv = argv
        self.env = env
        self.cwd = cwd
        self.logfile = logfile
        self.user = user
        self.stop_signal = stop_signal
        self.popen: subprocess.Popen | None = None
        self.held = False  # stopped on purpose: the supervisor leaves it down
        self.starts = 0
        self.exits: list[tuple[float, int]] = []  # (time, return code) of unplanned exits
        self.started_at = 0.0
        self.lock = threading.RLock()

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def start(self) -> None:
        with self.lock:
            argv = self.argv(self)
            with open(self.logfile, "ab") as out:
                out.write(f"\n--- {time.strftime('%H:%M:%S')} start {' '.join(argv)}\n".encode())
                out.flush()
                self.popen = subprocess.Popen(  # noqa: S603 - our own argv, no shell
                    argv,
                    env=self.env,
                    cwd=self.cwd,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                    user=self.user,
                )
            self.starts += 1
            self.started_at = time.monotonic()

    def signal(self, signum: int) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.popen.pid, signum)  # type: ignore[union-attr]

    def stop(self, *, signum: int | None = None, timeout: float = 40.0) -> int | None:
        """Stop it (and hold it down), the whole group killed if it does not go in time."""
        with self.lock:
            self.held = True
            if not self.alive():
                return self.popen.returncode if self.popen else None
            self.signal(signum or self.stop_signal)
            try:
                return self.popen.wait(timeout=timeout)  # type: ignore[union-attr]
            except subprocess.TimeoutExpired:
                self.kill_group()
                return self.popen.wait(timeout=10)  # type: ignore[union-attr]

    def kill_group(self) -> None:
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signal.SIGKILL)

    def release(self) -> None:
        """Let the supervisor start it again."""
        self.held = False

    def log_size(self) -> int:
        try:
            return self.logfile.stat().st_size
        except OSError:
            return 0


class Supervisor(threading.Thread):
    """Restart every process that died, about a second later, like systemd's Restart=always."""

    def __init__(self, procs: list[Proc]):
        super().__init__(name="supervisor", daemon=True)
        self.procs = procs
        self.halt = threading.Event()
        self.restarts: list[tuple[float, str, int]] = []  # (time, name, return code)

    def run(self) -> None:
        dead_since: dict[str, float] = {}
        while not self.halt.wait(0.2):
            for proc in self.procs:
                with proc.lock:
                    if proc.held or proc.popen is None or proc.alive():
                        dead_since.pop(proc.name, None)
                        continue
                    now = time.monotonic()
                    if proc.name not in dead_since:
                        dead_since[proc.name] = now
                        code = proc.popen.returncode
                        proc.exits.append((now, code))
                        log(f"supervisor: {proc.name} exited ({code}); restarting in 1 s")
                    elif now - dead_since[proc.name] >= RESTART_AFTER:
                        del dead_since[proc.name]
                        self.restarts.append((now, proc.name, proc.exits[-1][1]))
                        if self.halt.is_set():
                            return
                        proc.start()
                        log(f"supervisor: {proc.name} started again (pid {proc.pid})")

    def stop_all(self) -> None:
        """Workers first (they finish their job), then the web, the balancer, the stores."""
        self.halt.set()
        for proc in self.procs:
            proc.held = True
        for proc in self.procs:
            try:
                proc.stop(timeout=20)
            except Exception as error:  # keep going: every process must be stopped
                log(f"could not stop {proc.name}: {error}")
            proc.kill_group()


def run_as() -> str | None:
    """PostgreSQL refuses to run as root: use its own account then."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise SystemExit("running as root needs the 'postgres' account for initdb") from None
    return "postgres"


def wait_for(check: Callable[[], bool], *, timeout: float, what: str, step: float = 0.2) -> float:
    """Wait until ``check()`` holds; returns the seconds it took, or raises."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with contextlib.suppress(Exception):  # not up yet
            if check():
                return time.monotonic() - started
        time.sleep(step)
    raise RuntimeError(f"{what} not ready within {timeout:.0f} s")
