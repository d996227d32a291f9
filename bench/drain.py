"""How fast the task workers drain a backlog, and whether urgent work jumps it.

    .venv/bin/python bench/drain.py [--jobs 2000] [--workers 1 2]

Uses its own PostgreSQL database (``lac_water_drain`` on BENCH_SERVER, made
anew) and a real SMTP server (aiosmtpd) on a free port of 127.0.0.1. For each
worker count it queues ``--jobs`` notification e-mail jobs (one e-mail each, the
shape a referral write leaves), starts that many ``manage.py run_worker``
processes and times until every job is done; halfway it queues one job of
``Priority.PERSON_WAITING`` and measures how long it waited behind the backlog.
The load average is printed first; results go between the drain markers of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASE = "lac_water_drain"
START, END = "<!-- drain:start -->", "<!-- drain:end -->"


def fresh_database() -> str:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return f"{SERVER}/{DATABASE}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_sink():
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command

    class Count:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Count.received += 1
            return "250 OK"

    controller = Controller(Count(), hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, Count


def run(jobs: int, workers: list[int]) -> list[tuple]:
    url = fresh_database()
    os.environ.update(DATABASE_URL=url, TASK_BACKEND="database")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from portal.core.models import Notification, User
    from portal.core.tasks import enqueue, send_notification_emails
    from tests.portal.worker_tasks import urgent_add

    user = User.objects.create_user(email="drain@example.org", full_name="Drain", password=None)
    controller, sink = smtp_sink()
    env = {
        **os.environ,
        "EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(controller.port),
    }
    rows = []
    try:
        for count in workers:
            DBTaskResult.objects.all().delete()
            sink.received = 0
            with transaction.atomic():
                notes = Notification.objects.bulk_create(
                    Notification(recipient=user, kind="bench", text=f"Melding {n}")
                    for n in range(jobs)
                )
                for note in notes:
                    enqueue(send_notification_emails, [note.pk])
            command = [sys.executable, "manage.py", "run_worker", "--no-scheduler"]
            started = time.monotonic()
            processes = [
                subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own command
                for _ in range(count)
            ]
            urgent_wait = None
            try:
                while True:
                    done = DBTaskResult.objects.successful().count()
                    if urgent_wait is None and done >= jobs // 2:
                        urgent = urgent_add.enqueue(1, 1)
                        queued_at = time.monotonic()
                        while DBTaskResult.objects.get(pk=urgent.id).status != "SUCCESSFUL":
                            time.sleep(0.02)
                        urgent_wait = time.monotonic() - queued_at
                    if done >= jobs + (1 if urgent_wait is not None else 0):
                        break
                    time.sleep(0.2)
                seconds = time.monotonic() - started
            finally:
                for process in processes:
                    process.send_signal(signal.SIGTERM)
                for process in processes:
                    process.wait(timeout=60)
            rows.append((count, jobs, seconds, jobs / seconds, sink.received, urgent_wait))
            print(
                f"{count} worker(s): {jobs} jobs in {seconds:.1f} s = {jobs / seconds:.0f}/s, "
                f"{sink.received} e-mails received, urgent job waited {urgent_wait:.2f} s",
                flush=True,
            )
    finally:
        controller.stop()
    return rows


def write(rows: list[tuple], load: str) -> None:
    lines = [
        START,
        "",
        f"_`bench/drain.py`, {time.strftime('%Y-%m-%d')}, load average {load} "
        f"on {os.cpu_count()} cores; PostgreSQL and the SMTP server on the same machine._",
        "",
        "| workers | e-mail jobs | seconds | jobs per second | e-mails received "
        "| an urgent job queued halfway waited |",
        "|---|---|---|---|---|---|",
    ]
    for workers, jobs, seconds, rate, received, urgent in rows:
        lines.append(
            f"| {workers} | {jobs} | {seconds:.1f} | {rate:.0f} | {received} | {urgent:.2f} s |"
        )
    lines += ["", END]
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    if START in text:
        text = text[: text.index(START)] + "\n".join(lines) + text[text.index(END) + len(END) :]
    else:
        text += "\n## Task queue: draining a backlog\n\n" + "\n".join(lines) + "\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    options = parser.parse_args()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cores", flush=True)
    rows = run(options.jobs, options.workers)
    write(rows, load)


if __name__ == "__main__":
    main()
