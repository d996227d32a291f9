"""Figures for coordinators: counts and sums only, in a constant number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from training.figures import figures_for, referrals_are_linked
from training.models import Evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_of_sessions(world, make_session, register):
    """Sessions of OCMW Aalst earlier this year (the test keeps within the year)."""
    now = timezone.localtime()
    days_back = min(now.timetuple().tm_yday - 1, 20)

    def past(title, topics, people, venue, **fields):
        session = make_session(
            title=title,
            topics=topics,
            venue=venue,
            starts_in=timedelta(days=-days_back, hours=-3),
            status="held",
            **fields,
        )
        session.people_reached = people
        session.save(update_fields=["people_reached"])
        return session

    water = past("Waterfactuur", "water_bill", 12, world.venues.partner, cohosts=[world.partner])
    lac = past("LAC", "lac aid_offer", 8, world.venues.ocmw)
    registration = register(water, places=5)
    registration.attended = 4
    registration.save(update_fields=["attended"])
    make_session(title="Afgelast", status="cancelled", starts_in=timedelta(days=-days_back))
    make_session(title="Niet afgesloten", starts_in=timedelta(days=-days_back, hours=-1))
    Evaluation.objects.create(session=water, organisation=world.partner, useful="yes",
                              submitted_by=world.partner_worker)  # fmt: skip
    return {"water": water, "lac": lac}


def test_figures_sum_attendance_by_topic_venue_and_partner(world, year_of_sessions):
    figures = figures_for(world.ocmw, timezone.localdate().year)
    assert (figures.held, figures.people_reached) == (2, 20)
    assert (figures.cancelled, figures.to_close) == (1, 1)
    by_topic = {row["topic"]: (row["sessions"], row["people"]) for row in figures.by_topic}
    assert by_topic == {"water_bill": (1, 12), "lac": (1, 8), "aid_offer": (1, 8),
                        "saving": (0, 0), "other": (0, 0)}  # fmt: skip
    by_venue = {row["venue__name"]: (row["sessions"], row["people"]) for row in figures.by_venue}
    assert by_venue == {"Grote zaal": (1, 12), "Zaal Gasthuis": (1, 8)}
    assert figures.by_partner == [
        {"name": "Buurthuis De Brug", "registered": 5, "attended": 4, "sessions": 1,
         "cohosted": 1},
    ]  # fmt: skip
    assert figures.usefulness == {"yes": 1}
    assert figures_for(world.other_ocmw, timezone.localdate().year).held == 0


@pytest.mark.skipif(
    not referrals_are_linked(),
    reason="referrals.Referral has no heard_at_session (related_name referrals_heard_here) yet",
)
def test_referrals_that_named_a_session_are_counted(world, year_of_sessions):
    from referrals.referrals import services as referral_services
    from referrals.referrals.models import Referral
    from tests.referrals.conftest import CONSENT, client_data, referral_data

    world.postcode = world.ocmw.postcode
    for _ in range(2):
        referral = referral_services.create_referral(
            actor=world.partner_worker, team=world.teams.partner, client=client_data(world),
            referral=referral_data(), consent=CONSENT, submit=True,
        )  # fmt: skip
        Referral.objects.filter(pk=referral.pk).update(heard_at_session=year_of_sessions["water"])
    figures = figures_for(world.ocmw, timezone.localdate().year)
    assert figures.referrals == 2
    per_session = {s.title: s.referral_count for s in figures.sessions}
    assert per_session == {"Waterfactuur": 2, "LAC": 0}


@pytest.mark.parametrize("sessions", [2, 20])
def test_figures_page_runs_a_constant_number_of_queries(
    world, make_session, client, django_assert_num_queries, sessions
):
    for i in range(sessions):
        make_session(title=f"S{i}", status="held", starts_in=timedelta(hours=-2 - i),
                     people_reached=i)  # fmt: skip
    client.force_login(world.coordinator)
    client.get(reverse("session_figures"))  # warm the session
    # session, user, the principal (memberships and grants, once for the request),
    # the organisation, six figures queries, the organisation menu, and the unread count
    with django_assert_num_queries(13):
        response = client.get(reverse("session_figures"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("person", "status"),
    [("partner_worker", 403), ("social_worker", 403), ("org_admin", 403), ("outsider", 403)],
)
def test_figures_are_for_planners(world, client, person, status):
    client.force_login(getattr(world, person))
    assert client.get(reverse("session_figures")).status_code == status


def test_figures_of_an_organisation_you_are_not_in_are_not_found(world, client):
    client.force_login(world.coordinator)
    url = reverse("session_figures")
    assert client.get(url, {"organisation": world.other_ocmw.pk}).status_code == 404
    client.force_login(world.outsider)
    assert client.get(url, {"organisation": world.ocmw.pk}).status_code == 404
    client.force_login(world.social_worker)
    assert client.get(url, {"organisation": world.ocmw.pk}).status_code == 403
