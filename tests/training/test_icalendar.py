"""iCalendar output, parsed back with the icalendar package: one .ics per
session and a personal feed behind a secret, revocable link."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from training.models import CalendarFeed

pytestmark = pytest.mark.django_db


def _events(content: bytes) -> dict:
    calendar = Calendar.from_ical(content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_session_ics_is_valid_and_complete(world, make_session, client):
    session = make_session(cohosts=[world.partner], practical_info="Koffie vanaf 13.30")
    client.force_login(world.partner_worker)
    response = client.get(reverse("session_ics", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    (event,) = _events(response.content).values()
    assert str(event["SUMMARY"]) == session.title
    assert event.start == session.starts_at
    assert event.end == session.ends_at
    assert "Grote zaal" in str(event["LOCATION"])
    assert "Koffie vanaf 13.30" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]).endswith(reverse("session_detail", args=[session.pk]))


def test_session_ics_refused_sides(world, make_session, client):
    draft = make_session(status="draft")
    url = reverse("session_ics", args=[draft.pk])
    client.force_login(world.partner_worker)
    assert client.get(url).status_code == 404
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def _new_feed_url(client, user) -> str:
    client.force_login(user)
    page = client.post(reverse("calendar_feed_settings"), {"action": "create"}).content.decode()
    match = re.search(r"(http://testserver/calendar/feed/[^<\s]+\.ics)", page)
    assert match, "the new link is shown once"
    client.logout()
    return match.group(1).replace("http://testserver", "")


def test_feed_shows_what_i_organise_cohost_or_registered_people_for(
    world, make_session, register, client
):
    make_session(status="draft", title="Ontwerp van de watercel")
    make_session(title="Met De Brug", cohosts=[world.partner])
    registered = make_session(title="Voor mijn mensen")
    register(registered, by=world.partner_worker)
    someone_elses = make_session(title="Van iemand anders")
    register(someone_elses, by=world.other_partner_worker, organisation=world.other_partner)
    old = make_session(title="Lang geleden", starts_in=timedelta(days=-400), status="held")
    register(old, by=world.partner_worker)
    cancelled = make_session(title="Afgelast", status="cancelled", cancellation_reason="Ziek")
    register(cancelled, by=world.partner_worker)

    partner_feed = _new_feed_url(client, world.partner_worker)
    response = client.get(partner_feed)  # no login: the token is the credential
    assert response.status_code == 200
    events = {str(e["SUMMARY"]): e for e in _events(response.content).values()}
    assert set(events) == {"Met De Brug", "Voor mijn mensen", "Afgelast"}
    assert str(events["Afgelast"]["STATUS"]) == "CANCELLED"
    assert "Ziek" in str(events["Afgelast"]["DESCRIPTION"])
    # Names of participants never travel in a feed.
    assert b"Fatima" not in response.content

    coordinator_feed = _new_feed_url(client, world.coordinator)
    titles = {str(e["SUMMARY"]) for e in _events(client.get(coordinator_feed).content).values()}
    assert "Ontwerp van de watercel" in titles
    assert "Van iemand anders" in titles  # the coordinator plans every session of the OCMW


def test_feed_link_is_stored_hashed_revocable_and_regenerable(world, client):
    first = _new_feed_url(client, world.partner_worker)
    token = first.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=world.partner_worker)
    assert token not in feed.token_hash
    assert client.get(first).status_code == 200

    second = _new_feed_url(client, world.partner_worker)
    assert second != first
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200

    client.force_login(world.partner_worker)
    client.post(reverse("calendar_feed_settings"), {"action": "revoke"})
    client.logout()
    assert client.get(second).status_code == 404
    assert not CalendarFeed.objects.filter(user=world.partner_worker).exists()


def test_feed_of_a_deactivated_account_stops(world, client):
    url = _new_feed_url(client, world.partner_worker)
    world.partner_worker.is_active = False
    world.partner_worker.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


def test_unknown_feed_token_is_not_found(client, db):
    assert client.get(reverse("calendar_feed", args=["not-a-token"])).status_code == 404


def test_feed_settings_page_needs_login_and_never_shows_an_old_token(world, client):
    assert client.get(reverse("calendar_feed_settings")).status_code == 302
    _new_feed_url(client, world.partner_worker)
    client.force_login(world.partner_worker)
    page = client.get(reverse("calendar_feed_settings")).content.decode()
    assert "/calendar/feed/" in page  # the form posts there...
    assert ".ics" not in page  # ...but the secret link is not shown again


@pytest.mark.parametrize("sessions", [1, 30])
def test_feed_runs_four_queries_however_many_sessions(
    world, make_session, register, client, django_assert_num_queries, sessions
):
    """Token and person, their teams, their planning grants, the sessions."""
    url = _new_feed_url(client, world.partner_worker)
    for i in range(sessions):
        register(make_session(title=f"Sessie {i}", cohosts=[world.partner]))
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(_events(response.content)) == sessions
