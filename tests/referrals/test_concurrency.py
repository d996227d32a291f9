"""No lost writes: people changing the same referral at the same moment, through
the API, each with the version they read. Every change is either applied (and on
the timeline) or refused with a conflict; none disappears without a word.

Each thread has its own database connection and transaction, released together by
a barrier. PostgreSQL only: SQLite locks the whole file, so it cannot race.
"""

import json

import pytest
from django.db import connection
from django.test import Client

from partners.models import Membership
from referrals.referrals import services
from referrals.referrals.models import Referral, TimelineEntry
from tests.concurrency import at_once
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 6
REFUSED = {409, 412}


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (SELECT ... FOR UPDATE): run on PostgreSQL.")


def _logged_in(people):
    clients = []
    for person in people:
        client = Client()
        client.force_login(person)
        clients.append(client)
    return list(zip(people, clients, strict=True))


@pytest.fixture
def workers(cast):
    """Six social workers of the receiving team, each logged in with their own client."""
    return _logged_in(
        [cast.social_worker]
        + [MembershipFactory(team=cast.teams.watercel).user for _ in range(PEOPLE - 1)]
    )


@pytest.fixture
def coordinators(cast):
    """Six coordinators of the receiving team: each may (re)assign the referral."""
    return _logged_in(
        [cast.coordinator]
        + [
            MembershipFactory(team=cast.teams.watercel, role=Membership.Role.COORDINATOR).user
            for _ in range(PEOPLE - 1)
        ]
    )


def _post(client, referral, action, body, version):
    return client.post(
        f"/api/v1/referrals/{referral.pk}/{action}/",
        json.dumps(body),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{version}"',
    )


def test_one_acknowledgement_wins_the_others_are_told(referral, workers):
    version = referral.version
    outcomes = at_once(
        PEOPLE, lambda i: _post(workers[i][1], referral, "acknowledge", {}, version).status_code
    )
    assert outcomes.count(200) == 1, outcomes
    assert set(outcomes) - {200} <= REFUSED, outcomes
    referral.refresh_from_db()
    assert (referral.status, referral.version) == ("acknowledged", version + 1)
    assert TimelineEntry.objects.filter(referral=referral, action="acknowledge").count() == 1


def test_competing_assignments_leave_the_one_that_was_answered_yes(cast, referral, workers):
    referral = services.acknowledge_referral(
        referral, actor=cast.social_worker, version=referral.version
    )
    version = referral.version

    def assign_to_self(i):
        person, client = workers[i]
        return person, _post(client, referral, "assign", {"worker": person.pk}, version)

    outcomes = at_once(PEOPLE, assign_to_self)
    applied = [person for person, response in outcomes if response.status_code == 200]
    refused = [response.status_code for _p, response in outcomes if response.status_code != 200]
    assert len(applied) == 1 and set(refused) <= REFUSED, outcomes
    referral.refresh_from_db()
    assert referral.assigned_to == applied[0]
    assert referral.version == version + 1


def test_people_who_retry_after_a_conflict_all_get_their_change_in(cast, referral, coordinators):
    """Everyone keeps trying (read, change, refused? read again) until their change
    is applied: at the end every change is there, once — nothing was overwritten."""
    referral = services.acknowledge_referral(
        referral, actor=cast.social_worker, version=referral.version
    )
    start = referral.version

    def assign_until_applied(i):
        person, client = coordinators[i]
        for refusals in range(50):
            current = Referral.objects.get(pk=referral.pk).version
            response = _post(client, referral, "assign", {"worker": person.pk}, current)
            if response.status_code == 200:
                return refusals
            assert response.status_code in REFUSED, response.content
        raise AssertionError("never applied")

    outcomes = at_once(PEOPLE, assign_until_applied)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    referral.refresh_from_db()
    assert referral.version == start + PEOPLE  # each change applied exactly once
    assigned = TimelineEntry.objects.filter(referral=referral, action="assign")
    assert assigned.count() == PEOPLE
