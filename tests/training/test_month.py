"""The month calendar: near the person by default, all of Flanders on request, a few
sessions a day with a link to the rest, and visibility unchanged in every scope."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from training.models import Session, Venue

pytestmark = pytest.mark.django_db

DAY = timezone.localdate() + dt.timedelta(days=10)
MONTH = DAY.strftime("%Y-%m")


@pytest.fixture
def on_day(make_session):
    """A session on ``DAY`` (or ``day``) at ``hour`` local time."""

    def make(hour=10, *, day=DAY, **fields):
        session = make_session(**fields)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
        Session.objects.filter(pk=session.pk).update(
            starts_at=start, ends_at=start + dt.timedelta(hours=1)
        )
        return session

    return make


@pytest.fixture
def far(world, on_day):
    """A session of Sociaal Huis Dendermonde, in Dendermonde: far from Aalst."""
    venue = Venue.objects.create(
        organisation=world.other_ocmw,
        name="Zaal Dender",
        capacity=30,
        postcode=world.other_postcode,
    )

    def make(hour=11, **fields):
        fields = {
            "title": "Ver weg",
            "organisation": world.other_ocmw,
            "organising_team": world.teams.other_watercel,
            "venue": venue,
            "created_by": world.other_social_worker,
            **fields,
        }
        return on_day(hour, **fields)

    return make


def _titles(client, **query):
    response = client.get(reverse("session_month"), {"month": MONTH, **query})
    assert response.status_code == 200
    return {s.title for week in response.context["weeks"] for day in week for s in day.sessions}


def test_by_default_the_month_shows_sessions_near_me(world, on_day, far, client):
    on_day(title="In Aalst")
    far()
    for person in ("coordinator", "social_worker", "onthaal_worker", "partner_worker"):
        client.force_login(getattr(world, person))
        assert _titles(client) == {"In Aalst"}, person
    client.force_login(world.other_social_worker)
    assert _titles(client) == {"Ver weg"}


def test_all_of_flanders_shows_both(world, on_day, far, client):
    on_day(title="In Aalst")
    far()
    client.force_login(world.partner_worker)
    assert _titles(client, where="all") == {"In Aalst", "Ver weg"}
    assert _titles(client, where="near") == {"In Aalst"}


def test_near_includes_sessions_held_in_the_area_of_my_ocmw(world, far, client):
    aalst_venue = Venue.objects.create(
        organisation=world.other_ocmw, name="Zaal in Aalst", capacity=30, postcode=world.postcode
    )
    far(title="Dendermonde in Aalst", venue=aalst_venue)
    # A venue without a postcode is at its organisation's address (De Brug, in Aalst).
    far(title="Dendermonde bij De Brug", venue=world.venues.partner)
    far(title="Dendermonde thuis")
    client.force_login(world.coordinator)
    assert _titles(client) == {"Dendermonde in Aalst", "Dendermonde bij De Brug"}


def test_near_includes_my_own_sessions(world, on_day, far, register, client):
    far(title="Waar ik mensen voor inschreef", hour=9)
    far(title="Die ik mee organiseer", cohosts=[world.other_partner], hour=10)
    far(title="Niets mee te maken", hour=11)
    register(
        Session.objects.get(title="Waar ik mensen voor inschreef"),
        by=world.other_partner_worker,
        organisation=world.other_partner,
    )
    # De sociale kruidenier has no agreement with any OCMW: only its own sessions are near.
    client.force_login(world.other_partner_worker)
    assert _titles(client) == {"Waar ik mensen voor inschreef", "Die ik mee organiseer"}


@pytest.mark.parametrize("where", ["near", "all"])
def test_drafts_of_others_never_appear(world, on_day, far, client, where):
    aalst_venue = Venue.objects.create(
        organisation=world.other_ocmw, name="Zaal in Aalst", capacity=30, postcode=world.postcode
    )
    far(title="Ontwerp van Dendermonde", status="draft", venue=aalst_venue)
    on_day(title="Ontwerp van Aalst", status="draft")
    client.force_login(world.coordinator)
    assert _titles(client, where=where) == {"Ontwerp van Aalst"}  # planner of Aalst
    client.force_login(world.onthaal_worker)
    assert _titles(client, where=where) == set()  # neither organiser nor co-host


def test_a_busy_day_shows_three_sessions_and_a_link_to_the_rest(world, on_day, client):
    for hour in range(9, 14):
        on_day(hour, title=f"Sessie van {hour} uur")
    client.force_login(world.social_worker)
    response = client.get(reverse("session_month"), {"month": MONTH})
    day = next(d for week in response.context["weeks"] for d in week if d.date == DAY)
    assert [s.title for s in day.sessions] == [f"Sessie van {h} uur" for h in (9, 10, 11)]
    assert (day.total, day.more) == (5, 2)

    page = response.content.decode()
    links = re.findall(r'<a class="more" href="([^"]+)" aria-label="([^"]+)">([^<]+)</a>', page)
    assert len(links) == 1
    href, label, text = links[0]
    assert "2" in text and "2" in label and str(DAY.day) in label
    assert f"day={DAY.isoformat()}" in html.unescape(href)

    listed = client.get(html.unescape(href))
    assert listed.status_code == 200
    assert [s.title for s in listed.context["page"].items] == [
        f"Sessie van {h} uur" for h in range(9, 14)
    ]


def test_the_day_link_keeps_the_scope_and_filters(world, on_day, far, client):
    for hour in range(9, 13):
        on_day(hour, title=f"Aalst {hour}", topics="lac")
    far(hour=14, topics="lac")
    far(hour=15, topics="saving")
    client.force_login(world.coordinator)
    for where, expected in (("near", 4), ("all", 5)):
        page = client.get(
            reverse("session_month"), {"month": MONTH, "where": where, "topic": "lac"}
        ).content.decode()
        href = html.unescape(re.search(r'<a class="more" href="([^"]+)"', page).group(1))
        assert len(client.get(href).context["page"].items) == expected, where


def test_the_switch_between_near_and_all(world, on_day, client):
    on_day(title="In Aalst")
    client.force_login(world.coordinator)
    page = client.get(reverse("session_month"), {"month": MONTH}).content.decode()
    switch = re.search(r'<div class="scope-switch".*?</div>', page, re.S).group(0)
    assert 'href="?month=' in switch
    current = re.findall(r'href="([^"]+)" aria-current="true"', switch)
    assert len(current) == 1 and "where=near" in current[0]
    assert "where=all" in switch


def test_empty_near_month_offers_all_of_flanders(world, far, client):
    far()
    client.force_login(world.coordinator)
    response = client.get(reverse("session_month"), {"month": MONTH})
    page = response.content.decode()
    assert not any(day.total for week in response.context["weeks"] for day in week)
    assert re.search(r'<div class="empty card">.*where=all', page, re.S)
    assert _titles(client, where="all") == {"Ver weg"}


def test_the_grid_is_a_table_with_column_headers(world, on_day, client):
    on_day(title="In Aalst")
    client.force_login(world.coordinator)
    page = client.get(reverse("session_month"), {"month": MONTH}).content.decode()
    assert '<table class="month-grid">' in page
    assert page.count('<th scope="col">') == 7
    assert '<caption class="visually-hidden">' in page


def test_the_list_can_show_one_day_of_a_past_month(world, on_day, client):
    past = timezone.localdate() - dt.timedelta(days=40)
    on_day(9, day=past, title="Toen", status="held")
    on_day(9, day=past + dt.timedelta(days=1), title="De dag erna", status="held")
    client.force_login(world.partner_worker)
    response = client.get(reverse("session_list"), {"day": past.isoformat()})
    assert [s.title for s in response.context["page"].items] == ["Toen"]
    assert f"month={past:%Y-%m}" in response.content.decode()  # back to the month


def test_the_list_still_shows_all_of_flanders_by_default(world, on_day, far, client):
    on_day(title="In Aalst")
    far()
    client.force_login(world.coordinator)
    titles = [s.title for s in client.get(reverse("session_list")).context["page"].items]
    assert titles == ["In Aalst", "Ver weg"]
    near = client.get(reverse("session_list"), {"where": "near"}).context["page"].items
    assert [s.title for s in near] == ["In Aalst"]
