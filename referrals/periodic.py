"""The referrals app's periodic jobs (``PORTAL_SCHEDULE``, queued by the task workers).

Each does all that is due, and nothing twice: running one again, or after a
missed run, is harmless. The LAC escalation lives with the arrears, in
referrals/cases/tasks.py."""

from __future__ import annotations

from django.tasks import task

from portal.core.tasks import Priority


@task(priority=Priority.SAFETY)
def alert_overdue_visits() -> int:
    """Home visits not checked out in time: the team is alerted once per visit."""
    from referrals.outreach.services import alert_overdue_visits as alert

    return alert()


@task(priority=Priority.NOTIFY)
def process_referral_deadlines() -> dict:
    from referrals.referrals.services import process_deadlines

    return process_deadlines()


@task(priority=Priority.BULK)
def apply_retention() -> dict:
    from referrals.messaging.services import forget_unmatched_replies
    from referrals.privacy import retention

    report = retention.due()
    retention.apply(report)
    return {
        "unmatched_replies": forget_unmatched_replies(),
        "referrals": len(report.referrals),
        "cases": len(report.cases),
        "clients": len(report.clients),
        "lists": len(report.lists),
        "previews": len(report.previews),
    }
