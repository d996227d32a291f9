"""Attendance (per registration or as a count) and the short evaluation."""

from datetime import timedelta

import pytest
from django.urls import reverse

from portal.core.exceptions import ActionRefused
from training import services
from training.models import Evaluation, Session

pytestmark = pytest.mark.django_db

PAST = timedelta(days=-1)


def test_attendance_per_registration_plus_walk_ins(world, make_session, register, client):
    session = make_session(starts_in=PAST)
    named = register(session, kind="named")
    group = register(session, places=4, by=world.other_partner_worker,
                     organisation=world.other_partner)  # fmt: skip
    register(session, status="waiting")  # waited in vain: not on the form
    client.force_login(world.social_worker)  # organising team
    form = client.get(reverse("session_attendance", args=[session.pk])).context["form"]
    assert len(form.registrations) == 2
    response = client.post(
        reverse("session_attendance", args=[session.pk]),
        {"mode": "per_registration", f"registration_{named.pk}": 1,
         f"registration_{group.pk}": 3, "walk_ins": 2},
    )  # fmt: skip
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.HELD
    assert session.people_reached == 6
    group.refresh_from_db()
    assert group.attended == 3


def test_attendance_as_one_number(world, make_session, client):
    session = make_session(starts_in=PAST)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("session_attendance", args=[session.pk]), {"mode": "count", "total": 17}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.people_reached, session.status) == (17, "held")


def test_more_people_than_registered_is_refused(world, make_session, register):
    session = make_session(starts_in=PAST)
    group = register(session, places=2)
    with pytest.raises(ActionRefused):
        services.record_attendance(session, actor=world.coordinator, attended={group.pk: 3})


def test_attendance_only_after_the_start_and_not_for_cancelled_sessions(world, make_session):
    with pytest.raises(ActionRefused):
        services.record_attendance(make_session(), actor=world.coordinator, total=3)
    cancelled = make_session(starts_in=PAST, status="cancelled")
    with pytest.raises(ActionRefused):
        services.record_attendance(cancelled, actor=world.coordinator, total=3)


@pytest.mark.parametrize(
    ("person", "status"),
    [("partner_worker", 403), ("onthaal_worker", 403), ("outsider", 404)],
)
def test_who_may_not_record_attendance(world, make_session, client, person, status):
    # Buurthuis De Brug co-hosts, but attendance is for the organiser.
    session = make_session(starts_in=PAST, cohosts=[world.partner])
    client.force_login(getattr(world, person))
    url = reverse("session_attendance", args=[session.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"mode": "count", "total": 5}).status_code == status
    session.refresh_from_db()
    assert session.people_reached is None


def test_involved_organisations_evaluate_once_each(world, make_session, register, client):
    session = make_session(starts_in=PAST, status="held", cohosts=[world.partner])
    register(session, by=world.other_partner_worker, organisation=world.other_partner)
    url = reverse("session_evaluation", args=[session.pk])
    client.force_login(world.partner_worker)
    data = {"organisation": world.partner.pk, "useful": "yes", "missing": "Meer tijd"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "useful": "partly"}).status_code == 302  # replaces
    evaluation = Evaluation.objects.get(organisation=world.partner)
    assert evaluation.useful == "partly"
    client.force_login(world.other_partner_worker)  # registered people: may evaluate
    response = client.post(url, {"organisation": world.other_partner.pk, "useful": "no"})
    assert response.status_code == 302
    assert Evaluation.objects.count() == 2


def test_evaluation_refused_sides(world, make_session, client):
    session = make_session(starts_in=PAST, status="held", cohosts=[world.partner])
    url = reverse("session_evaluation", args=[session.pk])
    client.force_login(world.other_partner_worker)  # saw it, took no part
    assert client.get(url).status_code == 403
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.partner_worker)  # co-host: may evaluate for its own side only
    response = client.post(url, {"organisation": world.ocmw.pk, "useful": "yes"})
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Evaluation.objects.exists()


def test_a_coming_session_cannot_be_evaluated(world, make_session):
    session = make_session(cohosts=[world.partner])
    with pytest.raises(ActionRefused):
        services.submit_evaluation(
            session, actor=world.partner_worker, organisation=world.partner, useful="yes"
        )
