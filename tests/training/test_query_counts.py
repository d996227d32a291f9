"""Lists and calendars run a constant number of queries, whatever the data."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from training.models import Session

pytestmark = pytest.mark.django_db

# Every logged-in page: the session, the user, the principal's memberships (which the
# layout's navigation reads too) and the unread count.
PAGE = 4
# Every training read: the principal's grants ("plan sessions"), read once per request.
SCOPE = 1
# An API request has no layout: the principal is its memberships and its grants.
PRINCIPAL = 2


@pytest.fixture
def many(world, make_session, register):
    def make(count: int) -> None:
        for i in range(count):
            session = make_session(
                title=f"Sessie {i}",
                starts_in=timedelta(days=1 + i % 20, hours=i),
                cohosts=[world.partner],
            )
            register(session, places=2)

    return make


@pytest.mark.parametrize("count", [1, 30])
def test_session_list_page(world, many, client, django_assert_num_queries, count):
    many(count)
    client.force_login(world.partner_worker)
    client.get(reverse("session_list"))
    with django_assert_num_queries(PAGE + SCOPE + 2):  # the page of sessions, their co-hosts
        response = client.get(reverse("session_list"))
    assert len(response.context["page"].items) == min(count, 20)


@pytest.mark.parametrize("where", ["near", "all"])
@pytest.mark.parametrize("count", [1, 30])
def test_month_view(world, many, client, django_assert_num_queries, count, where):
    many(count)
    client.force_login(world.coordinator)
    month = (timezone.localdate() + timedelta(days=1)).strftime("%Y-%m")  # the first session
    client.get(reverse("session_month"))
    with django_assert_num_queries(PAGE + SCOPE + 1):  # each day's first sessions, counted
        client.get(reverse("session_month"), {"month": month, "where": where})


@pytest.mark.parametrize("where", ["near", "all"])
def test_a_crowded_month_stays_within_the_list_budget(
    world, client, django_assert_max_num_queries, where
):
    day = timezone.localdate() + timedelta(days=3)
    start = timezone.make_aware(datetime.combine(day, time(8)))
    Session.objects.bulk_create(
        Session(organisation=world.ocmw, organising_team=world.teams.watercel,
                title=f"Sessie {i}", topics="lac", audience="residents",
                venue=world.venues.partner, starts_at=start + timedelta(minutes=10 * i),
                ends_at=start + timedelta(minutes=10 * i + 60), capacity=10,
                description="-", status="published", created_by=world.coordinator)
        for i in range(60)
    )  # fmt: skip
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("session_month"), {"month": f"{day:%Y-%m}", "where": where})
    cell = next(d for week in response.context["weeks"] for d in week if d.date == day)
    assert (len(cell.sessions), cell.total) == (3, 60)
    with django_assert_max_num_queries(8):
        listed = client.get(reverse("session_list"), {"day": day.isoformat(), "where": where})
    assert len(listed.context["page"].items) == 20


@pytest.mark.parametrize("count", [1, 30])
def test_api_session_list(world, many, client, django_assert_num_queries, count):
    many(count)
    client.force_login(world.partner_worker)
    client.get("/api/v1/sessions/")
    with django_assert_num_queries(2 + PRINCIPAL + 2):  # session, user; page, co-hosts
        body = client.get("/api/v1/sessions/").json()
    assert len(body["results"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_api_registration_list(world, many, client, django_assert_num_queries, count):
    many(count)
    client.force_login(world.partner_worker)
    client.get("/api/v1/session-registrations/")
    with django_assert_num_queries(2 + PRINCIPAL + 1):
        body = client.get("/api/v1/session-registrations/").json()
    assert len(body["results"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_session_detail_does_not_grow_with_registrations(
    world, make_session, register, client, django_assert_max_num_queries, count
):
    session = make_session(capacity=40, cohosts=[world.partner])
    for _ in range(count):
        register(session, kind="named")
    client.force_login(world.coordinator)
    client.get(reverse("session_detail", args=[session.pk]))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("session_detail", args=[session.pk]))
    assert len(response.context["registrations"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_request_list(world, client, django_assert_num_queries, count):
    from training.models import SessionRequest

    today = timezone.localdate()
    SessionRequest.objects.bulk_create(
        SessionRequest(organisation=world.partner, ocmw=world.ocmw,
                       requested_by=world.partner_worker, topics="lac", audience="residents",
                       preferred_from=today, preferred_until=today, expected_people=5)
        for _ in range(count)
    )  # fmt: skip
    client.force_login(world.coordinator)
    client.get(reverse("session_request_list"))
    with django_assert_num_queries(PAGE + SCOPE + 1):
        client.get(reverse("session_request_list"))
