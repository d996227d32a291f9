"""Telling people something happened: an in-app notification plus an e-mail.

Callers pass text that is safe to show anyone the notification reaches: a
reference and a link, never arrears or other financial data, and as little
personal data as possible (no client names in e-mail subjects).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import translation

from portal.core.models import Notification, User
from portal.core.tasks import enqueue, send_notification_emails


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    text,
    link: str = "",
    reference: str = "",
) -> list[Notification]:
    """Create one notification per recipient (each in their own language) and
    send the e-mails after the surrounding transaction commits."""
    users = {user.pk: user for user in recipients if user.is_active}
    notifications = []
    for user in users.values():
        with translation.override(user.language):
            notifications.append(
                Notification(
                    recipient=user, kind=kind, text=str(text)[:300], link=link, reference=reference
                )
            )
    created = Notification.objects.bulk_create(notifications)
    ids = [n.pk for n in created if n.pk is not None]
    if ids:
        enqueue(send_notification_emails, ids)
    return created
