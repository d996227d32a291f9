"""Reminders to the registering organisations before a session."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from portal.core.models import Notification
from training.models import Registration
from training.tasks import send_session_reminders

pytestmark = pytest.mark.django_db


def _run(days=2) -> str:
    out = StringIO()
    call_command("send_session_reminders", days=days, stdout=out)
    return out.getvalue()


def test_one_reminder_per_registering_organisation_and_only_once(
    world, make_session, register, django_capture_on_commit_callbacks
):
    soon = make_session(starts_in=timedelta(days=1), capacity=3)
    register(soon, kind="named", participant_name="Fatima B.")
    register(soon, places=2, by=world.partner_admin)
    register(soon, by=world.other_partner_worker, organisation=world.other_partner,
             status="waiting")  # fmt: skip
    register(soon, by=world.internal_worker, organisation=world.ocmw, status="cancelled")
    later = make_session(starts_in=timedelta(days=10))
    register(later)

    with django_capture_on_commit_callbacks(execute=True):
        assert "Reminders sent: 2" in _run()
    reminded = Notification.objects.filter(kind="session.reminder")
    assert set(reminded.values_list("recipient", flat=True)) == {
        world.partner_worker.pk, world.partner_admin.pk, world.other_partner_worker.pk,
    }  # fmt: skip
    partner_text = reminded.get(recipient=world.partner_worker).text
    assert "3" in partner_text  # three places for Buurthuis De Brug
    assert "Fatima" not in partner_text
    assert {m.to[0] for m in mail.outbox} >= {world.partner_worker.email}
    assert not Registration.objects.filter(session=later, reminded_at__isnull=False).exists()

    # Idempotent: a second run sends nothing new.
    assert "Reminders sent: 0" in _run()
    assert Notification.objects.filter(kind="session.reminder").count() == 3


def test_a_late_registration_gets_its_own_reminder(world, make_session, register):
    session = make_session(starts_in=timedelta(hours=20))
    register(session)
    _run()
    register(session, by=world.partner_admin)
    assert "Reminders sent: 1" in _run()
    assert Notification.objects.filter(
        kind="session.reminder", recipient=world.partner_admin
    ).exists()


def test_cancelled_and_past_sessions_get_no_reminder(world, make_session, register):
    register(make_session(starts_in=timedelta(days=1), status="cancelled"))
    register(make_session(starts_in=timedelta(hours=-1)))
    assert "Reminders sent: 0" in _run()


def test_the_task_does_the_same_work(world, make_session, register):
    register(make_session(starts_in=timedelta(days=1)))
    result = send_session_reminders.enqueue(within_days=2)
    assert result.return_value == 1
    assert Notification.objects.filter(kind="session.reminder").count() == 1
