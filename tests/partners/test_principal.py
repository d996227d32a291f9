"""The principal: read once per request, in at most two queries, and the same answer
from every rule and every list."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.grants import sync_user_grants
from partners.permissions import can_manage_members, can_refer_to, can_view_arrears_of
from partners.principal import ANONYMOUS, Principal, as_principal, principal_of
from portal.core import tokens
from referrals.cases.models import Case
from referrals.cases.permissions import can_view_arrears
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_building_a_principal_takes_two_queries_and_no_more(cast, django_assert_num_queries):
    with django_assert_num_queries(2):
        principal = Principal.of(cast.social_worker)
        assert principal.arrears_ocmw_ids == {cast.ocmw.pk}
        assert principal.receives_for(cast.teams.watercel.pk)
        assert principal.may_change_arrears(cast.ocmw.pk)
        assert principal.team_ids == {cast.teams.watercel.pk}


def test_the_navigation_alone_needs_only_the_memberships(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        principal = Principal.of(cast.partner_worker)
        assert principal.is_partner_worker
        assert principal.labels


def test_the_anonymous_and_the_inactive_cost_nothing_and_may_nothing(
    cast, django_assert_num_queries
):
    cast.partner_worker.is_active = False
    with django_assert_num_queries(0):
        assert not Principal.of(cast.partner_worker).team_ids
        assert not Principal.of(None).arrears_ocmw_ids
        assert not ANONYMOUS.may_view_arrears(cast.ocmw.pk)


def test_a_page_builds_the_principal_once(cast, client):
    client.force_login(cast.social_worker)
    url = reverse("case_list")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert len([s for s in sql if 'FROM "partners_membership"' in s]) == 1
    assert len([s for s in sql if "objectpermission" in s]) == 1


def test_an_api_token_request_builds_it_once_too(cast, client):
    _token, secret = tokens.create_token(
        actor=cast.social_worker,
        name="t",
        scope="read",
        expires_at=timezone.now() + timedelta(days=5),
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200, response.content
    sql = [q["sql"] for q in queries.captured_queries]
    assert len([s for s in sql if 'FROM "partners_membership"' in s]) == 1
    assert len([s for s in sql if "objectpermission" in s]) <= 1


def test_a_superuser_without_a_team_gets_no_from_every_rule_and_list(cast):
    boss = UserFactory(is_superuser=True, is_staff=True)
    assert not can_view_arrears(boss, cast.ocmw)
    assert not can_view_arrears_of(boss, cast.ocmw)
    assert not can_manage_members(boss, cast.ocmw)
    assert not can_refer_to(boss, cast.ocmw)
    assert not Case.objects.visible_to(boss).exists()
    assert Principal.of(boss).is_platform_admin  # the admin pages, nothing more


def test_a_user_held_outside_a_request_never_gets_a_stale_principal(cast):
    worker = cast.onthaal_worker
    assert not can_view_arrears(worker, cast.ocmw)
    MembershipFactory(team=cast.teams.watercel, user=worker)
    sync_user_grants([worker.pk])
    assert can_view_arrears(worker, cast.ocmw)


def test_the_request_user_reuses_the_principal_the_request_built(cast, rf):
    request = rf.get("/")
    request.user = cast.coordinator
    principal = principal_of(request)
    assert as_principal(request.user) is principal
    assert as_principal(principal) is principal
