"""Background work of the portal: how a job is queued, and the kernel's own jobs.

A job is queued with :func:`enqueue`, inside the service's transaction. In
production (``TASK_BACKEND=database``) it is a row of ``django_tasks_db`` written
in that transaction, worked by ``manage.py run_worker`` (portal/core/worker.py);
in the demo and the tests it runs when the transaction commits.

Every job may run more than once: its worker can die after the effect and before
the job is marked done, and then another worker runs it again. So each job keys
its effect and checks the key first: a notification's ``emailed_at`` (and the
e-mail's Message-ID, the same on a repeat, so a mail server or reader can tell),
a webhook delivery's claim and ``webhook-id``, an import's status, a periodic run's
slot (:class:`~portal.core.models.ScheduledRun`).
"""

from __future__ import annotations

import logging
from enum import IntEnum

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.tasks import Task, task, task_backends
from django.utils import timezone
from django_tasks_db import DatabaseBackend

from portal.core import sealing
from portal.core.mail import make_email
from portal.core.models import Invitation, Notification

logger = logging.getLogger("portal.core.tasks")


class Priority(IntEnum):
    """Which job a worker takes first (higher first; Django's range is -100..100).

    Work a person is waiting for never queues behind bulk e-mail and webhooks."""

    PERSON_WAITING = 50  # a LAC import being watched, an invitation just sent
    SAFETY = 40  # a home visit that is overdue
    NOTIFY = 0  # notification e-mails
    BULK = -20  # webhooks, sweeps, nightly work


def records_jobs_in_database() -> bool:
    return isinstance(task_backends["default"], DatabaseBackend)


def enqueue(task_to_run: Task, *args) -> None:
    """Queue ``task_to_run(*args)`` as part of the change being written.

    With the database backend (production) the job is a row written in the current
    transaction: it commits with the change or not at all, so a rolled-back change
    never runs its job and no queue outage can lose one. With the immediate backend
    (demo, tests) the job runs when the transaction commits; if it fails there, the
    change is committed already, so the failure is logged, not raised: the person
    who made the change must not be told it failed, or a client that retries makes
    it twice."""
    if records_jobs_in_database():
        task_to_run.enqueue(*args)
        return

    def run() -> None:
        try:
            task_to_run.enqueue(*args)
        except Exception:
            logger.exception("could not run %s after commit", task_to_run.name)

    transaction.on_commit(run)


def message_id(kind: str, pk: int) -> str:
    """The same for every attempt at one e-mail: a repeat is recognisable."""
    domain = settings.PORTAL_MAIL_DOMAIN
    return f"<{kind}-{pk}@{domain}>"


def seal_link(link: str) -> str:
    """A link with a secret in it (an invitation's), as a job argument: job rows are
    readable by platform admins and stay a while after the job ran."""
    return sealing.seal(link, purpose="job-argument")


@task(priority=Priority.PERSON_WAITING)
def send_invitation_email(invitation_id: int, sealed_link: str) -> None:
    invitation = Invitation.objects.select_related("team__organisation", "invited_by").get(
        pk=invitation_id
    )
    if invitation.revoked_at or invitation.accepted_at:
        return  # revoked or accepted before the job ran (or ran again)
    link = sealing.unseal(sealed_link, purpose="job-argument")
    make_email(
        subject_template="portal/email/invitation_subject.txt",
        body_template="portal/email/invitation_body.txt",
        context={"invitation": invitation, "link": link},
        # The invitee has no language preference yet: Dutch, the portal's default.
        language=settings.LANGUAGE_CODE,
        to=[invitation.email],
        headers={"Message-ID": message_id("invitation", invitation.pk)},
    ).send()


@task(priority=Priority.NOTIFY)
def send_notification_emails(notification_ids: list[int]) -> int:
    """One short e-mail per notification: the text, the reference and the link.

    Each is marked ``emailed_at`` as soon as it went out, so a repeat of the job sends
    only what was not sent yet (at most the one in flight when a worker died, with the
    same Message-ID)."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    waiting = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    sent = 0
    with mailers.default as mailer:  # one connection to the mail server for all of them
        for notification in waiting.select_related("recipient").order_by("pk"):
            message = make_email(
                subject_template="portal/email/notification_subject.txt",
                body_template="portal/email/notification_body.txt",
                context={"notification": notification, "base_url": base},
                language=notification.recipient.language,
                to=[notification.recipient.email],
                headers={"Message-ID": message_id("notification", notification.pk)},
            )
            mailer.send_messages([message])
            Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
            sent += 1
    return sent


@task(priority=Priority.BULK)
def deliver_webhooks(delivery_keys: list[str]) -> None:
    """Send these webhook deliveries now; what fails is retried by ``deliver_due_webhooks``."""
    from portal.core import webhooks

    for key in delivery_keys:
        webhooks.attempt(key)


# Periodic jobs of the kernel (PORTAL_SCHEDULE) ------------------------------------------


@task(priority=Priority.BULK)
def deliver_due_webhooks() -> dict:
    from portal.core import webhooks

    return webhooks.deliver_due(limit=500)


@task(priority=Priority.BULK)
def clear_expired_sessions() -> None:
    from django.contrib.sessions.models import Session

    Session.objects.filter(expire_date__lt=timezone.now()).delete()


@task(priority=Priority.BULK)
def prune_finished_jobs(keep_days: int = 7) -> int:
    """Finished job rows and old scheduled runs go after ``keep_days``; failed jobs are
    kept three times as long, for a platform admin to look at. Idempotency keys go
    after a day."""
    from datetime import timedelta

    from django_tasks_db.models import DBTaskResult

    from portal.core import idempotency
    from portal.core.models import IdempotentRequest, ScheduledRun

    now = timezone.now()
    done, _ = (
        DBTaskResult.objects.successful()
        .filter(finished_at__lt=now - timedelta(days=keep_days))
        .delete()
    )
    failed, _ = (
        DBTaskResult.objects.failed()
        .filter(finished_at__lt=now - timedelta(days=3 * keep_days))
        .delete()
    )
    ScheduledRun.objects.filter(slot__lt=now - timedelta(days=keep_days)).delete()
    IdempotentRequest.objects.filter(
        created_at__lt=now - timedelta(hours=idempotency.KEEP_HOURS)
    ).delete()
    return done + failed
