"""The quick-start demo does its periodic work by itself: an overdue home visit
alerts the team while only ``runserver`` runs (no cron, no command typed).

It runs the README's demo the way a new user does: migrate, seed_demo and
runserver on a fresh SQLite file, with a grace period of zero minutes.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PLAN_OVERDUE_VISIT = """
from datetime import timedelta
from django.utils import timezone
from portal.core.models import User
from referrals.cases.models import Case
from referrals.outreach import services
worker = User.objects.get(email="maatschappelijkwerker@example.org")
case = Case.objects.filter(ocmw__name="OCMW Aalst").order_by("pk").first()
now = timezone.now()
services.plan_visit(
    case, actor=worker, start=now - timedelta(hours=2), end=now - timedelta(minutes=1),
    announced=True,
)
"""

COUNT_ALERTS = (
    "from portal.core.models import Notification; "
    "print(Notification.objects.filter(kind='visit.overdue').count())"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _manage(env, *args, **kwargs):
    return subprocess.run(  # noqa: S603 - this interpreter, our own manage.py
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def test_runserver_alone_alerts_the_team_about_an_overdue_visit(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "TASK_BACKEND", "PORTAL_ENV", "CACHE_URL"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        PORTAL_VISIT_GRACE_MINUTES="0",
        EMAIL_BACKEND="console",
    )
    _manage(env, "migrate", "-v0")
    _manage(env, "seed_demo")
    _manage(env, "shell", "--no-imports", "-c", PLAN_OVERDUE_VISIT)
    assert _manage(env, "shell", "--no-imports", "-c", COUNT_ALERTS).stdout.strip() == "0"

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - the README's last step
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        alerts = "0"
        while time.monotonic() < deadline and alerts == "0":
            time.sleep(2)
            alerts = _manage(env, "shell", "--no-imports", "-c", COUNT_ALERTS).stdout.strip()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert alerts != "0", output
    assert "visit" in output.lower()  # the alert e-mail, on the console backend
