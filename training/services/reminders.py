"""Reminders to the registering organisations before a session."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.core import audit
from portal.core.models import User
from portal.core.notifications import notify
from training.models import Registration, Session
from training.services.shared import local_time, session_link

REMINDER_TEXT = gettext_lazy(
    'Reminder: "%(title)s" is on %(when)s at %(venue)s. Your organisation has '
    "%(confirmed)s place(s) and %(waiting)s on the waiting list."
)


@transaction.atomic
def send_session_reminders(*, within_days: int = 2, actor: User | None = None) -> int:
    """Remind each registering organisation of sessions starting within ``within_days``.

    Idempotent: each registration is reminded once (``reminded_at``). Rows locked
    by another worker running at the same moment are skipped, not sent twice.
    Returns the number of (session, organisation) reminders sent.
    """
    now = timezone.now()
    due = list(
        Registration.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            reminded_at__isnull=True,
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING],
            session__status__in=[Session.Status.PUBLISHED, Session.Status.FULL],
            session__starts_at__gt=now,
            session__starts_at__lte=now + timedelta(days=within_days),
        )
        .select_related("session__venue")
        .order_by("session_id", "organisation_id", "id")
    )
    groups: dict[tuple[int, int], list[Registration]] = defaultdict(list)
    for registration in due:
        groups[(registration.session_id, registration.organisation_id)].append(registration)
    for registrations in groups.values():
        session = registrations[0].session
        confirmed = sum(
            r.places for r in registrations if r.status == Registration.Status.CONFIRMED
        )
        waiting = sum(r.places for r in registrations if r.status == Registration.Status.WAITING)
        notify(
            User.objects.filter(pk__in={r.registered_by_id for r in registrations}),
            kind="session.reminder",
            text=REMINDER_TEXT,
            params={
                "title": session.title,
                "when": local_time(session.starts_at),
                "venue": f"{session.venue.name} ({session.venue.address})"
                if session.venue.address
                else session.venue.name,
                "confirmed": confirmed,
                "waiting": waiting,
            },
            link=session_link(session),
            reference=session.reference,
        )
    Registration.objects.filter(pk__in=[r.pk for r in due]).update(reminded_at=now)
    sessions = {r.session_id: r.session for r in due}
    for session_id, session in sessions.items():
        audit.record(
            "session.reminders_sent",
            session,
            actor=actor,
            organisation=session.organisation,
            data={"organisations": sum(1 for s, _org in groups if s == session_id)},
        )
    return len(groups)
