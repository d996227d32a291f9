"""API writes: one transaction with their answer; Idempotency-Key replays a retry."""

from unittest import mock

import pytest
from django.db import OperationalError

from portal.core.models import IdempotentRequest
from referrals.referrals.models import Referral
from tests.portal.conftest import bearer
from tests.referrals.test_api import _payload

pytestmark = pytest.mark.django_db
API = "/api/v1/referrals/"


@pytest.fixture
def partner_api(cast, client, make_token):
    _token, secret = make_token(cast.partner_worker)

    def post(body, key=None, **headers):
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return client.post(API, body, content_type="application/json", **bearer(secret), **headers)

    return post


def test_a_retry_with_the_same_key_gets_the_same_answer_and_makes_nothing_twice(cast, partner_api):
    first = partner_api(_payload(cast), key="submit-7f3a")
    again = partner_api(_payload(cast), key="submit-7f3a")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Referral.objects.count() == 1


def test_another_key_is_another_request(cast, partner_api):
    partner_api(_payload(cast), key="one")
    partner_api(_payload(cast), key="two")
    assert Referral.objects.count() == 2


def test_the_same_key_for_another_request_is_refused(cast, partner_api):
    partner_api(_payload(cast), key="k-1")
    other = partner_api(_payload(cast, description="Iets anders."), key="k-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in other.json()["detail"]
    assert Referral.objects.count() == 1


def test_keys_are_per_client(cast, client, partner_api, make_token):
    partner_api(_payload(cast), key="shared")
    _token, colleague = make_token(cast.partner_admin)
    response = client.post(
        API,
        _payload(cast),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="shared",
        **bearer(colleague),
    )
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Referral.objects.count() == 2


def test_a_refused_request_is_not_kept_and_may_be_sent_again(cast, partner_api):
    refused = partner_api(_payload(cast, consent=None), key="retry-me")
    assert refused.status_code == 409
    assert not IdempotentRequest.objects.exists()
    assert partner_api(_payload(cast), key="retry-me").status_code == 201


def test_a_malformed_key_is_refused_in_the_clients_language(cast, partner_api):
    response = partner_api(_payload(cast), key="met spatie", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert not Referral.objects.exists()


def test_the_database_going_away_while_the_answer_is_built_leaves_no_change(cast, partner_api):
    """The service wrote the referral; then building the answer fails. The answer is an
    error, so the change must not stay: the client's retry would make it twice."""
    with mock.patch(
        "referrals.referrals.api.SentReferralDetailSerializer.data",
        new_callable=mock.PropertyMock,
        side_effect=OperationalError("terminating connection due to administrator command"),
    ):
        response = partner_api(_payload(cast))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "unavailable"
    assert not Referral.objects.exists()


def test_reads_are_not_wrapped(cast, client, make_token):
    _token, secret = make_token(cast.partner_worker)
    response = client.get(f"{API}sent/", HTTP_IDEMPOTENCY_KEY="ignored", **bearer(secret))
    assert response.status_code == 200
    assert not IdempotentRequest.objects.exists()
