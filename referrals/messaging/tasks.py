"""Background work of client messages: one job per message, and the minute's sweep.

Both may run more than once: a message's job claims its row first
(``services.send_message``) and the sweep hands each waiting message over once
(``enqueued_at``)."""

from django.tasks import task

from portal.core.tasks import Priority


@task(priority=Priority.NOTIFY)
def send_client_message(message_id: int) -> str:
    from referrals.messaging import services

    return services.send_message(message_id)


@task(priority=Priority.PERSON_WAITING)
def run_session_reminders_job(session_id: int, actor_id: int) -> dict:
    from portal.core.models import User
    from referrals.cases.models import LacSession
    from referrals.messaging import services

    session = LacSession.objects.select_related("ocmw").get(pk=session_id)
    return services.run_session_reminders(session, actor=User.objects.get(pk=actor_id))


@task(priority=Priority.NOTIFY)
def send_due_messages() -> dict:
    """Every minute: the reminder rounds whose day has come, and the messages whose
    moment has (after the night, on an appointment's day, after the rate limit)."""
    from referrals.messaging import services

    rounds = services.run_due_reminder_rounds()
    return {"rounds": rounds, "handed_over": services.queue_due_messages()}
