"""An API body over DATA_UPLOAD_MAX_MEMORY_SIZE gets 413 in the API's JSON error format."""

import json

import pytest

from referrals.referrals.models import Referral
from tests.portal.conftest import bearer

pytestmark = pytest.mark.django_db
API = "/api/v1"
LIMIT = 1024


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT


def _referral_body(cast, size: int) -> bytes:
    """A valid referral as JSON of exactly ``size`` bytes (the description pads it)."""
    data = {
        "team": cast.teams.partner.pk,
        "client": {
            "full_name": "Maria Janssens",
            "street": "Stationsstraat 1",
            "postcode": cast.postcode.pk,
            "phone": "0470 12 34 56",
        },
        "consent": {
            "share_details": True,
            "ocmw_may_contact": True,
            "feedback": "status",
            "method": "spoken",
            "given_by": "Maria Janssens",
        },
        "reason": "water",
        "description": "",
    }
    padding = size - len(json.dumps(data).encode())
    assert padding > 0
    data["description"] = "x" * padding
    body = json.dumps(data).encode()
    assert len(body) == size
    return body


def _assert_too_large(response, language="en"):
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "request_too_large"
    assert body["detail"].startswith("The request is too large")
    assert "1.0 KB" in body["detail"]
    assert response["Content-Language"] == language


def test_json_body_just_over_the_limit_is_413_with_the_api_error(cast, client, make_token):
    _token, secret = make_token(cast.partner_worker)
    response = client.post(
        f"{API}/referrals/",
        _referral_body(cast, LIMIT + 1),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(secret),
    )
    _assert_too_large(response)
    assert not Referral.objects.exists()


def test_form_body_over_the_limit_from_a_session_is_413_too(cast, client):
    client.force_login(cast.partner_worker)
    response = client.generic(
        "POST",
        f"{API}/referrals/",
        "description=" + "x" * LIMIT,
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    _assert_too_large(response)


def test_a_body_at_the_limit_still_works(cast, client, make_token):
    _token, secret = make_token(cast.partner_worker)
    response = client.post(
        f"{API}/referrals/",
        _referral_body(cast, LIMIT),
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 201, response.content
    assert Referral.objects.count() == 1


class _Unreadable:
    """A request body that fails the test when anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_content_length_over_the_limit_is_refused_before_the_body_is_read(client):
    # No credentials either: the size is refused before authentication (which would say 403).
    response = client.generic(
        "POST",
        f"{API}/referrals/",
        b"{}",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
        **{"wsgi.input": _Unreadable()},
    )
    _assert_too_large(response)
    assert "Accept-Language" in response["Vary"]


def test_message_is_in_the_request_language(client):
    response = client.generic(
        "POST", f"{API}/referrals/", b"x" * (LIMIT + 1), content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Language"] == "nl"
    assert "1,0 KB" in response.json()["detail"]


def test_without_the_early_check_the_exception_handler_answers_413(cast, client, settings):
    # Where Content-Length understates the body (chunked, on ASGI), Django only notices
    # while reading it: the API's exception handler answers then.
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "portal.core.middleware.ApiBodySizeMiddleware"
    ]
    client.force_login(cast.partner_worker)
    response = client.post(
        f"{API}/referrals/",
        _referral_body(cast, LIMIT + 1),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    _assert_too_large(response)


def test_no_limit_means_no_refusal(cast, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    client.force_login(cast.partner_worker)
    response = client.post(
        f"{API}/referrals/", _referral_body(cast, 2 * LIMIT), content_type="application/json"
    )
    assert response.status_code == 201, response.content


def test_pages_keep_djangos_own_answer(cast, client):
    client.force_login(cast.partner_worker)
    response = client.generic(
        "POST",
        "/language/",
        "language=en&padding=" + "x" * LIMIT,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
