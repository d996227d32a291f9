"""Serve the benchmark database with gunicorn and load it from 127.0.0.1.

    .venv/bin/python bench/loadtest.py --scale full [--workers 5] [--seconds 60]

Starts gunicorn (``portal/gunicorn.conf.py``) in production mode on a free
port of 127.0.0.1, logs in a typical user of each role (sessions in the
database, as every web process shares them), and sends a bounded load: Debian's
``wrk`` when it is installed, else a small Python client: the pages in turn, then a
trivial view (the liveness check) through the same server for comparison. Every run
is limited
in time (``--seconds``) and the Python client also in count (``--max-requests``);
nothing but 127.0.0.1 is ever addressed. Requests carry ``X-Forwarded-Proto:
https`` as the load balancer would. Results go between the load markers of
docs/benchmarks.md (full scale) and to the terminal.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure  # noqa: E402 - the bench folder's own module

HOST = "127.0.0.1"
START, END = "<!-- load:start -->", "<!-- load:end -->"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def sessions_and_paths(people: dict) -> list[tuple[str, str, str]]:
    """(label, path, session cookie) for a typical user of each role."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from portal.core.models import User

    def cookie(user_id: int) -> str:
        client = Client()
        client.force_login(User.objects.get(pk=user_id))
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    partner = cookie(people["partner"][0])
    worker = cookie(people["ocmw"]["worker"])
    coordinator = cookie(people["ocmw"]["coordinator"])
    place = people["ocmw"]["name"].removeprefix("OCMW ")
    case_id = people["ocmw"]["case"][0]
    return [
        ("my referrals (partner)", reverse("my_referrals"), partner),
        ("team inbox (OCMW)", reverse("referral_inbox"), worker),
        ("directory search", reverse("directory") + f"?q={place}", partner),
        ("case detail (OCMW)", reverse("case_detail", args=[case_id]), worker),
        ("session list (partner)", reverse("session_list"), partner),
        ("month calendar (coordinator)", reverse("session_month"), coordinator),
        ("what-works report (coordinator)", reverse("what_works"), coordinator),
    ]


def trivial_target(people: dict) -> tuple[str, str, str]:
    """The yardstick: a view that does nothing (liveness), through the same server,
    middleware and session cookie, so the ratio shows what the pages themselves cost."""
    from django.urls import reverse

    return ("trivial view (liveness check)", reverse("health_live"), "")


def start_gunicorn(database_url: str, workers: int, port: int, static_root: str):
    env = {
        **os.environ,
        "PORTAL_ENV": "production",
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": database_url,
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/2"),
        "EMAIL_BACKEND": "smtp",
        "TASK_BACKEND": "dummy",
        "STATIC_ROOT": static_root,
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "portal/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _body = get(port, "/health/", "")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.5)
    process.terminate()
    raise RuntimeError("gunicorn did not answer /health/ within 60 s")


def get(port: int, path: str, session: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers=_headers(session))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _headers(session: str) -> dict[str, str]:
    headers = {"X-Forwarded-Proto": "https", "Host": HOST}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    return headers


def run_wrk(port: int, targets, seconds: int, connections: int) -> dict:
    """Round-robin over the targets from a Lua script; wrk stops after ``seconds``."""
    lines = ["local targets = {"]
    for _label, path, session in targets:
        lines.append(f'  {{"{path}", "sessionid={session}"}},')
    lines += [
        "}",
        "local n = 0",
        "request = function()",
        "  n = n % #targets + 1",
        "  local t = targets[n]",
        '  return wrk.format("GET", t[1], {["Cookie"] = t[2], '
        '["X-Forwarded-Proto"] = "https", ["Host"] = "127.0.0.1"})',
        "end",
        # wrk prints 50/75/90/99 only; the targets speak of p95.
        "done = function(summary, latency, requests)",
        "  for _, p in ipairs({50, 90, 95, 99}) do",
        '    io.write(string.format("percentile %d %.3f\\n", p, latency:percentile(p) / 1000))',
        "  end",
        "end",
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines))
    try:
        output = subprocess.run(  # noqa: S603 - Debian's wrk, on loopback only
            [
                shutil.which("wrk") or "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://{HOST}:{port}/",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 30,
        ).stdout
    finally:
        os.unlink(script.name)
    return parse_wrk(output)


def _to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> dict:
    result = {"tool": "wrk", "raw": output}
    for pct in ("50", "90", "95", "99"):
        match = re.search(rf"^percentile {pct} ([\d.]+)$", output, re.MULTILINE)
        result[f"p{pct}"] = float(match.group(1)) if match else None
    result["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    result["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    result["errors"] = (int(bad.group(1)) if bad else 0) + (
        sum(int(n) for n in re.findall(r"\d+", errors.group(1))) if errors else 0
    )
    return result


def run_python(port: int, targets, seconds: int, connections: int, max_requests: int) -> dict:
    """A bounded client: stops at ``seconds`` or ``max_requests``, whichever comes first."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(max_requests))

    def worker():
        nonlocal errors
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            _label, path, session = targets[n % len(targets)]
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=_headers(session))
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                ok = False
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                errors += not ok
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "tool": "python",
        "rps": len(latencies) / elapsed,
        "requests": len(latencies),
        "p50": measure.percentile(latencies, 0.5),
        "p90": measure.percentile(latencies, 0.9),
        "p95": measure.percentile(latencies, 0.95),
        "p99": measure.percentile(latencies, 0.99),
        "errors": errors,
        "mean": statistics.mean(latencies),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["full", "small"], default="small")
    parser.add_argument("--database")
    parser.add_argument(
        "--server", default=os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() * 2 + 1)
    parser.add_argument(
        "--connections",
        type=int,
        help="open connections (default: one per worker; sync workers serve one at a "
        "time, and a connection beyond that only waits in the accept queue)",
    )
    parser.add_argument("--seconds", type=int, default=60, help="per run (default 60)")
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--output")
    args = parser.parse_args(argv)
    args.connections = args.connections or args.workers
    database = args.database or ("lac_bench" if args.scale == "full" else "lac_bench_small")
    url = f"{args.server}/{database}"
    # The same key here and in gunicorn: sessions made here must be valid there.
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)
    measure.setup_django(url)
    people = measure.pick_people()
    targets = sessions_and_paths(people)
    trivial = trivial_target(people)
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    port = free_port()
    with tempfile.TemporaryDirectory() as static_root:
        process = start_gunicorn(url, args.workers, port, static_root)
        try:
            for label, path, session in targets:  # every page answers before the load
                status, _body = get(port, path, session)
                if status != 200:
                    raise RuntimeError(f"{label} {path}: HTTP {status}")
            runs = []
            for label, chosen in [
                (f"mixed: the {len(targets)} pages in turn", targets),
                (trivial[0], [trivial]),
            ]:
                if client == "wrk":
                    result = run_wrk(port, chosen, args.seconds, args.connections)
                else:
                    result = run_python(
                        port, chosen, args.seconds, args.connections, args.max_requests
                    )
                runs.append((label, result))
                print(
                    f"{label:40} {result['rps']:7.1f} req/s  p50 {result['p50']:.1f} ms  "
                    f"p95 {result['p95']:.1f} ms  p99 {result['p99']:.1f} ms  "
                    f"errors {result['errors']}",
                    flush=True,
                )
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    section = render(runs, args, client)
    output = args.output or (str(measure.DOC) if args.scale == "full" else None)
    if output:
        path = Path(output)
        text = path.read_text()
        if START in text:
            before, rest = text.split(START, 1)
            text = before + section.rstrip("\n") + rest.split(END, 1)[1]
        else:
            text = text.rstrip("\n") + "\n\n" + section
        path.write_text(text)
        print(f"wrote {output}")


def render(runs, args, client: str) -> str:
    lines = [
        START,
        "",
        f"_Generated by `bench/loadtest.py --scale {args.scale}` on "
        f"{time.strftime('%Y-%m-%d %H:%M')}: gunicorn with {args.workers} sync workers "
        f"(`portal/gunicorn.conf.py`, production settings, sessions in PostgreSQL, cache in "
        f"Redis), load from `{client}` on the same 2-core machine with {args.connections} "
        f"connections for {args.seconds} s per run. Load average of the machine when it "
        f"ended: {os.getloadavg()[0]:.2f}._",
        "",
        "| load | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in runs:
        lines.append(
            f"| {label} | {r['requests']:,} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} "
            f"| {r['p99']:.1f} | {r['errors']} |"
        )
    (_, pages), (_, trivial) = runs
    lines += [
        "",
        f"The pages against the trivial view of the same run: "
        f"{pages['rps'] / trivial['rps']:.3f}× its throughput, "
        f"{pages['p50'] / trivial['p50']:.0f}× its p50, "
        f"{pages['p95'] / trivial['p95']:.1f}× its p95.",
    ]
    lines += ["", END, ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
