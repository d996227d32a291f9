"""Background work for information sessions (run by the task worker or a scheduler)."""

from __future__ import annotations

from django.tasks import task

from portal.core.tasks import Priority
from training import services


@task(priority=Priority.NOTIFY)
def send_session_reminders(within_days: int = 2) -> int:
    """Remind registering organisations of sessions starting within ``within_days`` days."""
    return services.send_session_reminders(within_days=within_days)
