"""What the drill starts: PostgreSQL, Redis, two gunicorn processes behind HAProxy
and two task workers, each on a free port of 127.0.0.1, all in one temporary folder."""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .procs import HOST, Proc, Supervisor, free_port, log, port_open, run_as, wait_for

ROOT = Path(__file__).resolve().parents[2]
WEB_CONCURRENCY = 2


def postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise SystemExit(
            f"{name} not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
        )
    return found[-1]


def haproxy_bin() -> str:
    path = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.path.exists(path):
        raise SystemExit("haproxy is not installed (apt-get install haproxy)")
    return path


def worker_command() -> tuple[str, list[str]]:
    """The portal's own worker once it exists; django_tasks_db's plain one until then."""
    if (ROOT / "portal" / "management" / "commands" / "run_worker.py").exists():
        return "run_worker", ["run_worker"]
    return "db_worker", ["db_worker", "--interval", "0.2", "--no-startup-delay"]


HAPROXY_CFG = """\
global
    maxconn 512
    stats socket {sock} mode 600 level admin
    log stdout format raw local0 info

defaults
    mode http
    log global
    # Only failures are logged: 5xx, aborted and retried requests.
    option dontlog-normal
    log-format "%b/%s status=%ST term=%tsc retries=%rc %HM %HP"
    timeout connect 1s
    timeout client 60s
    timeout server 40s
    timeout queue 30s
    timeout http-request 10s
    # A health check may take a moment on a busy 2-core machine (a 10,000-row import).
    timeout check 2s
    # A connection that failed never reached a server: send it again, to another one.
    retries 5
    option redispatch 1
    retry-on conn-failure empty-response response-timeout 502 503 504

frontend portal
    bind {host}:{port}
    # As the TLS-terminating load balancer would.
    http-request set-header X-Forwarded-Proto https
    default_backend portal_web

backend portal_web
    balance leastconn
    # A request that reached a server is sent again only when it is idempotent:
    # a POST answered with nothing may have been committed.
    http-request disable-l7-retry unless METH_GET || METH_HEAD || METH_OPTIONS
    option httpchk
    http-check send meth GET uri /health/ hdr Host {host}
    http-check expect status 200
    # One request per sync gunicorn worker; the rest wait here, not in a backlog
    # that a stopping process would drop. A refused connection takes the server out
    # at once (leastconn would otherwise send every retry to the process that fails
    # fastest); the health check brings it back.
    default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 2 maxconn {maxconn}
    default-server observe layer4 error-limit 1 on-error mark-down
{servers}
"""


@dataclass
class Stack:
    tmp: Path
    short: bool
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    ports: dict[str, int] = field(default_factory=dict)
    procs: dict[str, Proc] = field(default_factory=dict)
    supervisor: Supervisor | None = None
    worker_kind: str = ""
    smtp_port: int = 0
    hook_port: int = 0

    def __post_init__(self) -> None:
        for name in ("postgres", "redis", "haproxy", "web1", "web2"):
            self.ports[name] = free_port()
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        self.static_root = self.tmp / "static"
        self.media_root = self.tmp / "media"
        self.media_root.mkdir()

    # URLs and environment -----------------------------------------------------------

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.ports['postgres']}/drill"

    @property
    def lb_port(self) -> int:
        return self.ports["haproxy"]

    def env(self, **extra: str) -> dict[str, str]:
        """Production settings, as docs/deployment.md has them, pointed at the drill's services."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "PORTAL_", "EMAIL_", "GUNICORN_"))
        }
        env.update(
            {
                "PORTAL_ENV": "production",
                "SECRET_KEY": self.secret_key,
                "ALLOWED_HOSTS": f"{HOST},localhost",
                "SECURE_SSL_REDIRECT": "false",
                "SECURE_HSTS_SECONDS": "0",
                "DATABASE_URL": self.database_url,
                "CACHE_URL": f"redis://{HOST}:{self.ports['redis']}/0",
                "TASK_BACKEND": "database",
                "EMAIL_BACKEND": "smtp",
                "EMAIL_HOST": HOST,
                "EMAIL_PORT": str(self.smtp_port),
                "DEFAULT_FROM_EMAIL": "LAC water portaal <noreply@drill.invalid>",
                "PORTAL_BASE_URL": f"http://{HOST}:{self.lb_port}",
                "PORTAL_WEBHOOK_ALLOW_LOCALHOST": "true",
                "PORTAL_API_TOKEN_RATE": "1000000/hour",
                "PORTAL_WORKER_LOST_AFTER": "10",
                "STATIC_ROOT": str(self.static_root),
                "MEDIA_ROOT": str(self.media_root),
                "FORWARDED_ALLOW_IPS": HOST,
                "LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(extra)
        return env

    def manage(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - manage.py of this checkout
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env(), check=True
        )

    # Starting -------------------------------------------------------------------

    def start_stores(self) -> None:
        """PostgreSQL (initdb into the folder, fsync off) and Redis (no persistence)."""
        user = run_as()
        pgdata = self.tmp / "pgdata"
        pgdata.mkdir(mode=0o700)
        if user:
            shutil.chown(pgdata, user)
        subprocess.run(  # noqa: S603 - Debian's initdb
            [
                postgres_bin("initdb"),
                "-D",
                str(pgdata),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            user=user,
        )
        pg_port = self.ports["postgres"]
        self.procs["postgres"] = Proc(
            "postgres",
            lambda _p: [
                postgres_bin("postgres"),
                "-D",
                str(pgdata),
                "-p",
                str(pg_port),
                "-c",
                f"listen_addresses={HOST}",
                "-c",
                "unix_socket_directories=",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=200",
            ],
            env=dict(os.environ),
            cwd=self.tmp,
            logfile=self.logs / "postgres.log",
            user=user,
            stop_signal=signal.SIGINT,  # fast shutdown, what pg_ctl stop -m fast sends
        )
        redis_port = self.ports["redis"]
        self.procs["redis"] = Proc(
            "redis",
            lambda _p: [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            env=dict(os.environ),
            cwd=self.tmp,
            logfile=self.logs / "redis.log",
        )
        self.procs["postgres"].start()
        self.procs["redis"].start()
        wait_for(lambda: self._pg_ready(), timeout=30, what="PostgreSQL")
        wait_for(lambda: port_open(redis_port), timeout=10, what="Redis")
        subprocess.run(  # noqa: S603 - Debian's createdb, on our own cluster
            [postgres_bin("createdb"), "-h", HOST, "-p", str(pg_port), "-U", "postgres", "drill"],
            check=True,
        )

    def _pg_ready(self) -> bool:
        done = subprocess.run(  # noqa: S603
            [postgres_bin("pg_isready"), "-q", "-h", HOST, "-p", str(self.ports["postgres"])],
            check=False,
        )
        return done.returncode == 0

    def pg_ready(self) -> bool:
        return self._pg_ready()

    def prepare_database(self) -> None:
        log("migrating a fresh database and collecting static files")
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")

    def start_services(self) -> None:
        """Two gunicorn processes, HAProxy in front, two task workers, and the supervisor."""
        for name in ("web1", "web2"):
            env = self.env(
                WEB_CONCURRENCY=str(WEB_CONCURRENCY),
                GUNICORN_BIND=f"{HOST}:{self.ports[name]}",
                GUNICORN_ACCESS_LOG="",
            )
            self.procs[name] = Proc(
                name,
                lambda _p: [sys.executable, "-m", "gunicorn", "-c", "portal/gunicorn.conf.py"],
                env=env,
                cwd=ROOT,
                logfile=self.logs / f"{name}.log",
            )
        self.worker_kind, command = worker_command()
        for name in ("worker1", "worker2"):

            def argv(proc: Proc, command=command) -> list[str]:
                extra = []
                if self.worker_kind == "db_worker":
                    # Known ids: the drill can tell which worker runs a job.
                    proc.worker_id = f"drill-{proc.name}-{proc.starts + 1}"  # type: ignore[attr-defined]
                    extra = ["--worker-id", proc.worker_id]  # type: ignore[attr-defined]
                return [sys.executable, "manage.py", *command, *extra]

            self.procs[name] = Proc(
                name, argv, env=self.env(), cwd=ROOT, logfile=self.logs / f"{name}.log"
            )
        sock = self.tmp / "haproxy.sock"
        servers = "\n".join(
            f"    server {name} {HOST}:{self.ports[name]} check" for name in ("web1", "web2")
        )
        config = self.tmp / "haproxy.cfg"
        config.write_text(
            HAPROXY_CFG.format(
                sock=sock, host=HOST, port=self.lb_port, servers=servers, maxconn=WEB_CONCURRENCY
            )
        )
        self.haproxy_socket = sock
        self.procs["haproxy"] = Proc(
            "haproxy",
            lambda _p: [haproxy_bin(), "-f", str(config), "-db"],
            env=dict(os.environ),
            cwd=self.tmp,
            logfile=self.logs / "haproxy.log",
        )
        for name in ("web1", "web2", "haproxy", "worker1", "worker2"):
            self.procs[name].start()
        order = ["worker1", "worker2", "web1", "web2", "haproxy", "redis", "postgres"]
        self.supervisor = Supervisor([self.procs[name] for name in order])
        self.supervisor.start()
        wait_for(self.all_up, timeout=90, what="both web processes healthy behind HAProxy")
        log(
            f"HAProxy on {HOST}:{self.lb_port}, web on {self.ports['web1']} and "
            f"{self.ports['web2']}, workers: manage.py {self.worker_kind}"
        )

    # State ------------------------------------------------------------------------

    def backends(self) -> dict[str, str]:
        """HAProxy's view of each web process: UP, DOWN, 'UP 1/2' (going down), …"""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(2)
            sock.connect(str(self.haproxy_socket))
            sock.sendall(b"show stat\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        lines = b"".join(chunks).decode().splitlines()
        header = lines[0].lstrip("# ").split(",")
        status: dict[str, str] = {}
        for line in lines[1:]:
            values = dict(zip(header, line.split(","), strict=False))
            if values.get("pxname") == "portal_web" and values.get("svname") in {"web1", "web2"}:
                status[values["svname"]] = values.get("status", "")
        return status

    def workers(self) -> list[Proc]:
        return [self.procs["worker1"], self.procs["worker2"]]

    def worker_named(self, claimed: str) -> Proc | None:
        """The worker process a job's worker id names: the id the drill gave it (db_worker),
        or the pid inside the id run_worker makes (host-pid-random)."""
        for worker in self.workers():
            if claimed and getattr(worker, "worker_id", None) == claimed:
                return worker
            if worker.pid is not None and str(worker.pid) in claimed.replace(":", "-").split("-"):
                return worker
        return None

    def all_up(self) -> bool:
        try:
            states = self.backends()
        except OSError:
            return False
        return (
            all(proc.alive() for proc in self.procs.values())
            and len(states) == 2
            and all(s == "UP" for s in states.values())
        )

    def stop(self) -> None:
        if self.supervisor is not None:
            self.supervisor.stop_all()
        else:
            for proc in self.procs.values():
                proc.stop(timeout=20)
                proc.kill_group()
        # Anything left in a group we started (a gunicorn worker orphaned by kill -9).
        for proc in self.procs.values():
            proc.kill_group()
        time.sleep(0.2)
