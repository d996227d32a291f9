"""Lists and calendars run a constant number of queries, whatever the data."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

# Every logged-in page: the session, the user, and the layout's roles and unread count.
PAGE = 4
# Every training read: the person's teams and their "plan sessions" grants.
SCOPE = 2


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


@pytest.mark.parametrize("count", [1, 30])
def test_month_view(world, many, client, django_assert_num_queries, count):
    many(count)
    client.force_login(world.coordinator)
    month = (timezone.localdate() + timedelta(days=1)).strftime("%Y-%m")  # the first session
    client.get(reverse("session_month"))
    with django_assert_num_queries(PAGE + SCOPE + 2):  # the month's sessions, their co-hosts
        client.get(reverse("session_month"), {"month": month})


@pytest.mark.parametrize("count", [1, 30])
def test_api_session_list(world, many, client, django_assert_num_queries, count):
    many(count)
    client.force_login(world.partner_worker)
    client.get("/api/v1/sessions/")
    with django_assert_num_queries(2 + SCOPE + 2):  # session, user; page, co-hosts
        body = client.get("/api/v1/sessions/").json()
    assert len(body["results"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_api_registration_list(world, many, client, django_assert_num_queries, count):
    many(count)
    client.force_login(world.partner_worker)
    client.get("/api/v1/session-registrations/")
    with django_assert_num_queries(2 + SCOPE + 1):
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
