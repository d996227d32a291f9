"""The LAC session page and its print with 30,000 files on the agenda, on PostgreSQL.

    .venv/bin/python bench/lac_session.py [--items 30000] [--runs 5]

Builds its own database (``lac_water_lac_session`` on BENCH_SERVER, made anew):
the test cast (tests/conftest.py) and one LAC session with ``--items`` files
written in bulk, then ANALYZE. It times, in this process through Django's test
client (no network, one request at a time), page 1, the last page, a search by
customer number and the whole streamed print, and counts their queries; each
page is checked to hold the files it should. The load average is printed first;
results go between the lac-session markers of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASE = "lac_water_lac_session"
START, END = "<!-- lac-session:start -->", "<!-- lac-session:end -->"


def prepare(items: int):
    import subprocess

    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    # Logged in with force_login, as the tests do: two-step login is not what is timed.
    os.environ.update(
        DATABASE_URL=f"{SERVER}/{DATABASE}", DEBUG="false", PORTAL_ENFORCE_MFA="false"
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from referrals.cases import services as cases
    from tests.conftest import build_cast
    from tests.referrals.test_lac_big_lists import _agenda

    cast = build_cast()
    session = cases.plan_lac_session(
        cast.ocmw, actor=cast.social_worker, on=timezone.localdate() + timedelta(days=14)
    )
    _agenda(cast, session, items)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return cast, session


def measure(cast, session, items: int, runs: int) -> list[tuple]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    cast.social_worker.language = "en"
    cast.social_worker.save(update_fields=["language"])
    client = Client()
    client.force_login(cast.social_worker)
    detail = reverse("lac_session_detail", args=[session.pk])
    last_page = -(-items // 50)
    pages = [
        ("page 1", detail, "Klant 00001"),
        (f"page {last_page} (the last)", f"{detail}?page={last_page}", f"Klant {items:05d}"),
        ("search by customer number", f"{detail}?q=FA-{items // 2:05d}", f"Klant {items // 2:05d}"),
        ("print, the whole agenda", reverse("lac_session_print", args=[session.pk]), None),
    ]
    rows = []
    for label, url, expected in pages:
        times, size, queries = [], 0, 0
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                times.append(time.perf_counter() - started)
            text = body.decode()
            wanted = [expected] if expected else ["Klant 00001<", f"Klant {items:05d}<"]
            if response.status_code != 200 or not all(w in text for w in wanted):
                raise SystemExit(f"{label}: {response.status_code}, not the files {wanted}")
            size, queries = len(body), len(captured)
        rows.append((label, statistics.median(times), max(times), queries, size))
        print(
            f"{label}: median {statistics.median(times) * 1000:.0f} ms, "
            f"{queries} queries, {size / 1024:.0f} KB",
            flush=True,
        )
    return rows


def write(rows: list[tuple], items: int, runs: int, load: str) -> None:
    lines = [
        START,
        "",
        f"_`bench/lac_session.py`, {time.strftime('%Y-%m-%d')}, {items:,} files on the agenda, "
        f"median of {runs} runs through the test client; load average {load} on "
        f"{os.cpu_count()} cores._",
        "",
        "| request | median | slowest | queries | size |",
        "|---|---|---|---|---|",
    ]
    for label, median, slowest, queries, size in rows:
        lines.append(
            f"| {label} | {median * 1000:.0f} ms | {slowest * 1000:.0f} ms | {queries} "
            f"| {size / 1024:,.0f} KB |"
        )
    lines += ["", END]
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    block = "\n".join(lines)
    if START in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text += "\n## The LAC session page with a very long agenda\n\n" + block + "\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cores", flush=True)
    cast, session = prepare(options.items)
    rows = measure(cast, session, options.items, options.runs)
    write(rows, options.items, options.runs, load)


if __name__ == "__main__":
    main()
