"""No overbooking when people register and cancel at the same moment.

Each thread has its own database connection and its own transaction, released
together by a barrier. Only PostgreSQL can show this: SQLite has no row locks
(it locks the whole database file), so these tests are skipped there; the
waiting-list rules themselves are tested on every database in
test_waiting_list.py.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from portal.core.exceptions import ActionRefused
from tests.concurrency import at_once
from training import services
from training.models import Registration, Session, Venue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (SELECT ... FOR UPDATE): run on PostgreSQL.")


@pytest.fixture
def session(world):
    venue = Venue.objects.create(organisation=world.partner, name="Keuken", capacity=50)
    start = timezone.now() + timedelta(days=3)
    return Session.objects.create(
        organisation=world.ocmw,
        organising_team=world.teams.watercel,
        title="Water besparen",
        topics="saving",
        audience="residents",
        venue=venue,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=5,
        description="Tips om water te besparen.",
        created_by=world.coordinator,
        status=Session.Status.PUBLISHED,
    )


def _invariants(session: Session) -> tuple[int, int]:
    """No overbooking, and no free place left while the head of the line would fit."""
    registrations = Registration.objects.filter(session=session)
    given = registrations.confirmed_places()
    assert given <= session.capacity
    head = registrations.waiting_line().first()
    if head is not None:
        assert given + head.places > session.capacity
    waiting = sum(registrations.waiting_line().values_list("places", flat=True))
    return given, waiting


def test_twelve_people_register_at_once_for_five_places(world, session):
    outcomes = at_once(
        12,
        lambda i: (
            services.register_people(
                session, actor=world.partner_worker, organisation=world.partner, kind="headcount"
            ).status
        ),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(outcomes).count("confirmed") == 5
    assert sorted(outcomes).count("waiting") == 7
    session.refresh_from_db()
    assert _invariants(session) == (5, 7)
    assert session.status == Session.Status.FULL


def test_groups_registering_at_once_never_overbook(world, session):
    Session.objects.filter(pk=session.pk).update(capacity=10)
    session.refresh_from_db()
    outcomes = at_once(
        8,
        lambda i: (
            services.register_people(
                session,
                actor=world.partner_worker,
                organisation=world.partner,
                kind="headcount",
                places=3,
            ).status
        ),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert outcomes.count("confirmed") == 3  # 9 places; a fourth group of 3 would overbook
    assert _invariants(session) == (9, 15)


def test_cancellations_and_registrations_at_once_keep_the_line_honest(world, session):
    confirmed = [
        services.register_people(
            session, actor=world.partner_worker, organisation=world.partner, kind="headcount"
        )
        for _ in range(5)
    ]
    waiting = [
        services.register_people(
            session,
            actor=world.other_partner_worker,
            organisation=world.other_partner,
            kind="headcount",
        )
        for _ in range(3)
    ]
    assert {r.status for r in waiting} == {"waiting"}

    def work(i: int):
        if i < 4:  # four people with a place cancel...
            return services.cancel_registration(confirmed[i], actor=world.partner_worker).status
        # ...while four newcomers register.
        return services.register_people(
            session, actor=world.partner_worker, organisation=world.partner, kind="headcount"
        ).status

    outcomes = at_once(8, work)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    given, _waiting = _invariants(session)
    assert given == 5
    # The three who were waiting first all got a place before any newcomer did.
    assert set(
        Registration.objects.filter(pk__in=[r.pk for r in waiting]).values_list("status", flat=True)
    ) == {"confirmed"}


def test_the_same_registration_cancelled_twice_at_once_frees_one_place(world, session):
    taken = [
        services.register_people(
            session, actor=world.partner_worker, organisation=world.partner, kind="headcount"
        )
        for _ in range(5)
    ]
    line = [
        services.register_people(
            session, actor=world.partner_worker, organisation=world.partner, kind="headcount"
        )
        for _ in range(2)
    ]
    outcomes = at_once(
        2, lambda i: services.cancel_registration(taken[0], actor=world.partner_worker)
    )
    assert sum(isinstance(o, ActionRefused) for o in outcomes) == 1
    statuses = list(
        Registration.objects.filter(pk__in=[r.pk for r in line])
        .order_by("created_at", "id")
        .values_list("status", flat=True)
    )
    assert statuses == ["confirmed", "waiting"]
    assert _invariants(session) == (5, 1)
