"""Capacity and the waiting list, without concurrency (runs on every database)."""

import pytest
from django.core.exceptions import PermissionDenied

from portal.core.exceptions import ActionRefused
from portal.core.models import Notification
from training import services
from training.models import Registration, Session

pytestmark = pytest.mark.django_db


def _headcount(session, world, places=1, *, by=None, organisation=None):
    return services.register_people(
        session,
        actor=by or world.partner_worker,
        organisation=organisation or world.partner,
        kind="headcount",
        places=places,
    )


def test_places_are_given_until_full_then_people_wait_in_line(world, make_session):
    session = make_session(capacity=3)
    first = _headcount(session, world, 2)
    second = _headcount(session, world, 1)
    third = _headcount(session, world, 1)
    assert [r.status for r in (first, second, third)] == ["confirmed", "confirmed", "waiting"]
    session.refresh_from_db()
    assert session.status == Session.Status.FULL
    assert Registration.objects.filter(session=session).confirmed_places() == 3


def test_a_group_that_does_not_fit_waits_as_a_whole(world, make_session):
    session = make_session(capacity=3)
    _headcount(session, world, 2)
    group = _headcount(session, world, 4 - 1 - 1)  # 2 people, only 1 place left
    assert group.status == "waiting"
    # Newcomers join the line behind it, even if they would fit: first come, first served.
    single = _headcount(session, world, 1)
    assert single.status == "waiting"


def test_cancelling_moves_the_line_up_in_order(
    world, make_session, django_capture_on_commit_callbacks
):
    session = make_session(capacity=2)
    a = _headcount(session, world, 1)
    b = _headcount(session, world, 1)
    waiting_pair = _headcount(session, world, 2, by=world.other_partner_worker,
                              organisation=world.other_partner)  # fmt: skip
    waiting_single = _headcount(session, world, 1)
    services.cancel_registration(a, actor=world.partner_worker)
    # One place free: the pair at the head of the line does not fit, so nobody moves yet.
    assert Registration.objects.get(pk=waiting_pair.pk).status == "waiting"
    assert Registration.objects.get(pk=waiting_single.pk).status == "waiting"
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(b, actor=world.partner_worker)
    assert Registration.objects.get(pk=waiting_pair.pk).status == "confirmed"
    assert Registration.objects.get(pk=waiting_single.pk).status == "waiting"
    session.refresh_from_db()
    assert session.status == Session.Status.FULL
    # The organisation that moved up is told, without names.
    told = Notification.objects.get(recipient=world.other_partner_worker, kind="session.place_free")
    assert session.title in told.text


def test_the_session_opens_again_when_the_line_is_empty(world, make_session):
    session = make_session(capacity=1)
    only = _headcount(session, world, 1)
    session.refresh_from_db()
    assert session.status == Session.Status.FULL
    services.cancel_registration(only, actor=world.partner_worker)
    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED


def test_more_places_let_the_line_move_up(world, make_session):
    session = make_session(capacity=2, venue=world.venues.partner)
    _headcount(session, world, 2)
    waiting = _headcount(session, world, 2)
    services.update_session(
        session, actor=world.coordinator, version=session.version, changes={"capacity": 4}
    )
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"


def test_fewer_places_than_already_given_is_refused(world, make_session):
    session = make_session(capacity=4)
    _headcount(session, world, 3)
    with pytest.raises(ActionRefused):
        services.update_session(
            session, actor=world.coordinator, version=session.version, changes={"capacity": 2}
        )
    session.refresh_from_db()
    assert session.capacity == 4


def test_a_group_larger_than_the_session_is_refused(world, make_session):
    session = make_session(capacity=3)
    with pytest.raises(ActionRefused):
        _headcount(session, world, 4)


@pytest.mark.parametrize(
    ("status", "refusal"),
    [("draft", PermissionDenied), ("held", ActionRefused), ("cancelled", ActionRefused)],
)
def test_only_open_sessions_take_registrations(world, make_session, status, refusal):
    # A draft is not even visible to the partner: it cannot register for it.
    session = make_session(status=status)
    with pytest.raises(refusal):
        _headcount(session, world, 1)


def test_a_session_that_started_takes_no_registrations(world, make_session):
    from datetime import timedelta

    session = make_session(starts_in=timedelta(minutes=-5))
    with pytest.raises(ActionRefused):
        _headcount(session, world, 1)


def test_registering_for_another_organisation_is_refused(world, make_session):
    session = make_session()
    with pytest.raises(PermissionDenied):
        _headcount(session, world, 1, organisation=world.other_partner)
    assert not Registration.objects.exists()


def test_after_the_start_registrations_can_no_longer_be_cancelled(world, make_session, register):
    from datetime import timedelta

    session = make_session(starts_in=timedelta(minutes=-5))
    registration = register(session)
    with pytest.raises(ActionRefused):
        services.cancel_registration(registration, actor=world.partner_worker)
