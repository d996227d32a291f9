"""Who sees which session and which registrations (names)."""

import pytest
from django.urls import reverse

from training.models import Registration, Session

pytestmark = pytest.mark.django_db

MEMBERS = [
    "partner_worker",
    "partner_admin",
    "other_partner_worker",
    "internal_worker",
    "social_worker",
    "onthaal_worker",
    "other_social_worker",
    "coordinator",
    "org_admin",
]


@pytest.mark.parametrize("person", MEMBERS)
def test_every_member_sees_published_sessions(world, make_session, person):
    session = make_session()
    assert Session.objects.visible_to(getattr(world, person)).filter(pk=session.pk).exists()


@pytest.mark.parametrize("person", ["outsider", "platform_admin"])
def test_people_without_a_team_see_no_sessions(world, make_session, client, person):
    session = make_session()
    assert not Session.objects.visible_to(getattr(world, person)).exists()
    client.force_login(getattr(world, person))
    assert client.get(reverse("session_detail", args=[session.pk])).status_code == 404
    assert client.get(reverse("session_list")).context["page"].items == []


def test_anonymous_is_sent_to_login(world, make_session, client):
    session = make_session()
    for url in (reverse("session_list"), reverse("session_detail", args=[session.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


DRAFT_READERS = {"coordinator", "social_worker", "partner_worker", "partner_admin"}


@pytest.mark.parametrize("person", MEMBERS)
def test_drafts_are_seen_by_planners_organising_team_and_cohosts(
    world, make_session, client, person
):
    # Organised by the energie- en watercel, co-hosted by Buurthuis De Brug.
    draft = make_session(status="draft", cohosts=[world.partner])
    user = getattr(world, person)
    visible = Session.objects.visible_to(user).filter(pk=draft.pk).exists()
    assert visible is (person in DRAFT_READERS)
    client.force_login(user)
    expected = 200 if person in DRAFT_READERS else 404
    assert client.get(reverse("session_detail", args=[draft.pk])).status_code == expected


def test_names_are_seen_by_the_organiser_and_the_registering_organisation_only(
    world, make_session, register, client
):
    session = make_session(cohosts=[world.partner])
    own = register(session, kind="named", participant_name="Fatima B.")
    other = register(
        session,
        kind="named",
        participant_name="Jan V.",
        by=world.other_partner_worker,
        organisation=world.other_partner,
    )
    seen = {
        person: set(Registration.objects.visible_to(getattr(world, person)).values_list(
            "pk", flat=True))
        for person in MEMBERS
    }  # fmt: skip
    assert seen["coordinator"] == {own.pk, other.pk}  # planner
    assert seen["social_worker"] == {own.pk, other.pk}  # organising team
    assert seen["partner_worker"] == {own.pk}  # registering organisation (and co-host)
    assert seen["other_partner_worker"] == {other.pk}
    for person in ("internal_worker", "onthaal_worker", "other_social_worker", "org_admin"):
        assert seen[person] == set(), person

    client.force_login(world.other_partner_worker)
    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert "Jan V." in page
    assert "Fatima B." not in page
    client.force_login(world.onthaal_worker)
    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert "Jan V." not in page
    assert "Fatima B." not in page
    assert "2 van de 10" in page  # counts are for everyone


def test_list_filters(world, make_session, client):
    from datetime import timedelta

    make_session(title="Water besparen", topics="saving", audience="partner_staff")
    make_session(title="De LAC", topics="lac", language="fr")
    make_session(title="Vorig jaar", topics="lac", starts_in=timedelta(days=-300), status="held")
    client.force_login(world.partner_worker)

    def titles(**query):
        return [s.title for s in client.get(reverse("session_list"), query).context["page"].items]

    assert titles() == ["Water besparen", "De LAC"]
    assert titles(topic="lac") == ["De LAC"]
    assert titles(when="past") == ["Vorig jaar"]
    assert titles(audience="partner_staff") == ["Water besparen"]
    assert titles(language="fr") == ["De LAC"]
    assert titles(q="bespar") == ["Water besparen"]
    assert titles(topic="spaceship") == []  # invalid filter: empty list, not an error


def test_mine_filter_shows_what_i_organise_or_cohost(world, make_session, client):
    make_session(title="Met De Brug", cohosts=[world.partner])
    make_session(title="Zonder De Brug")
    client.force_login(world.partner_worker)
    page = client.get(reverse("session_list"), {"mine": "on"})
    assert [s.title for s in page.context["page"].items] == ["Met De Brug"]


def test_month_view_shows_the_sessions_of_that_month(world, make_session, client):
    from django.utils import timezone

    session = make_session(title="Maandsessie")
    month = timezone.localtime(session.starts_at).strftime("%Y-%m")
    client.force_login(world.partner_worker)
    page = client.get(reverse("session_month"), {"month": month}).content.decode()
    assert "Maandsessie" in page
    assert client.get(reverse("session_month"), {"month": "garbage"}).status_code == 200
