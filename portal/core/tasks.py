"""Background work of the portal (run at once on the embedded default)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from portal.core.models import Invitation

logger = logging.getLogger("portal.core.tasks")


def enqueue_after_commit(task_to_run, *args) -> None:
    """Queue ``task_to_run(*args)`` once the current transaction commits.

    The change is committed by then: if the queue is away (Redis restarting), the
    person who made the change must not get an error for it, or a client that retries
    makes it twice. So a failing enqueue is logged, not raised; what the task would do
    is picked up by the scheduled command that sweeps for it (``deliver_webhooks`` for
    webhooks)."""

    def enqueue() -> None:
        try:
            task_to_run.enqueue(*args)
        except Exception:
            logger.exception("could not queue %s after commit", task_to_run.name)

    transaction.on_commit(enqueue)


@task
def send_invitation_email(invitation_id: int, link: str) -> None:
    invitation = Invitation.objects.select_related("team__organisation", "invited_by").get(
        pk=invitation_id
    )
    # The invitee has no language preference yet: Dutch, the portal's default.
    with translation.override(settings.LANGUAGE_CODE):
        context = {"invitation": invitation, "link": link}
        subject = render_to_string("portal/email/invitation_subject.txt", context).strip()
        body = render_to_string("portal/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])


@task
def send_notification_emails(notification_ids: list[int]) -> None:
    """One short e-mail per notification: the text, the reference and the link."""
    from django.conf import settings as conf
    from django.core.mail import send_mass_mail

    from portal.core.models import Notification

    base = conf.PORTAL_BASE_URL.rstrip("/")
    messages = []
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related(
        "recipient"
    ):
        with translation.override(notification.recipient.language):
            context = {"notification": notification, "base_url": base}
            subject = render_to_string("portal/email/notification_subject.txt", context).strip()
            body = render_to_string("portal/email/notification_body.txt", context)
        messages.append((subject, body, None, [notification.recipient.email]))
    send_mass_mail(messages, fail_silently=False)


@task
def deliver_webhooks(delivery_keys: list[str]) -> None:
    """Send webhook deliveries now; failures wait for ``manage.py deliver_webhooks``."""
    from portal.core import webhooks

    for key in delivery_keys:
        webhooks.attempt(key)
