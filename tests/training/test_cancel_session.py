"""Cancelling a session: asked first, and everyone who registered people hears of it."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.core.exceptions import ActionRefused
from portal.core.models import Notification
from training import services
from training.models import Session

pytestmark = pytest.mark.django_db


def test_cancelling_notifies_every_registering_worker_once(
    world, make_session, register, django_capture_on_commit_callbacks
):
    session = make_session(audience="partner_staff", capacity=3)
    register(session, kind="named", participant_name="Fatima B.", phone="0470 12 34 56")
    register(session, places=2)  # same worker twice: one message
    register(session, by=world.other_partner_worker, organisation=world.other_partner,
             status="waiting")  # fmt: skip
    register(session, kind="self", by=world.internal_worker, organisation=world.ocmw,
             participant_user=world.internal_worker)  # fmt: skip
    register(session, by=world.partner_admin, status="cancelled")  # cancelled: not told
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(session, actor=world.coordinator, reason="De zaal is overstroomd.")
    told = set(
        Notification.objects.filter(kind="session.cancelled").values_list("recipient", flat=True)
    )
    assert told == {world.partner_worker.pk, world.other_partner_worker.pk,
                    world.internal_worker.pk}  # fmt: skip
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.partner_worker.email, world.other_partner_worker.email, world.internal_worker.email]
    )
    # No personal data of participants in the texts or e-mails.
    for text in [n.text for n in Notification.objects.all()] + [m.body for m in mail.outbox]:
        # The participant's own details; a worker's generated name may be anything.
        assert "Fatima B." not in text
        assert "0470 12 34 56" not in text
    note = Notification.objects.filter(recipient=world.partner_worker).get()
    assert session.title in note.text
    assert note.link == reverse("session_detail", args=[session.pk])
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.cancellation_reason == "De zaal is overstroomd."


def test_the_notification_speaks_the_recipients_language(world, make_session, register):
    world.partner_worker.language = "en"
    world.partner_worker.save(update_fields=["language"])
    session = make_session()
    register(session)
    services.cancel_session(session, actor=world.coordinator, reason="Ziek")
    text = Notification.objects.get(recipient=world.partner_worker).text
    assert "is cancelled" in text


def test_cancelling_needs_a_reason_and_happens_once(world, make_session):
    session = make_session()
    with pytest.raises(ActionRefused):
        services.cancel_session(session, actor=world.coordinator, reason="  ")
    services.cancel_session(session, actor=world.coordinator, reason="Ziek")
    with pytest.raises(ActionRefused):
        services.cancel_session(session, actor=world.coordinator, reason="Nog eens")


def test_cancel_page_asks_for_confirmation_first(world, make_session, client):
    session = make_session()
    url = reverse("session_cancel", args=[session.pk])
    client.force_login(world.coordinator)
    page = client.get(url)
    assert page.status_code == 200
    assert session.title in page.content.decode()
    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED
    response = client.post(url, {"reason": ""})  # the reason is required: nothing happens
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED
    assert client.post(url, {"reason": "Ziek"}).status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED


@pytest.mark.parametrize(
    ("person", "status"),
    [("partner_worker", 403), ("social_worker", 403), ("other_social_worker", 403),
     ("outsider", 404)],
)  # fmt: skip
def test_who_may_not_cancel(world, make_session, client, person, status):
    session = make_session(cohosts=[world.partner])
    client.force_login(getattr(world, person))
    url = reverse("session_cancel", args=[session.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"reason": "Weg ermee"}).status_code == status
    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED


def test_a_cancelled_session_stays_visible_and_takes_no_registrations(world, make_session, client):
    session = make_session()
    services.cancel_session(session, actor=world.coordinator, reason="Ziek")
    client.force_login(world.partner_worker)
    page = client.get(reverse("session_detail", args=[session.pk]))
    assert page.status_code == 200
    assert "Ziek" in page.content.decode()
    response = client.get(reverse("session_register", args=[session.pk]))
    assert response.status_code == 302
