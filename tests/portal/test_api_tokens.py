"""Personal access tokens on the API: who they act as, scope, expiry, rate limit, log."""

import logging
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from portal.core.exceptions import ActionRefused
from portal.core.models import ApiToken
from portal.shell import tokens
from tests.portal.conftest import bearer

pytestmark = pytest.mark.django_db
API = "/api/v1"
# The portal's own messages are asserted in English (their msgids), so these tests
# do not depend on the state of the translations.
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_only_a_hash_of_the_secret_is_stored(cast, make_token):
    token, secret = make_token(cast.partner_worker)
    assert secret.startswith("lwp_") and len(secret) > 40
    assert token.prefix == secret[:10]
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in (stored.token_hash, stored.prefix, stored.name)
    assert ApiToken.objects.by_secret(secret).get() == stored


def test_a_token_acts_as_its_owner_and_sees_what_they_see(cast, client, make_token, referral):
    _token, partner_secret = make_token(cast.partner_worker, scope="read")
    _token, other_secret = make_token(cast.other_partner_worker, scope="read")
    sent = client.get(f"{API}/referrals/sent/", **bearer(partner_secret)).json()
    assert [row["id"] for row in sent["results"]] == [referral.pk]
    # Another person's token sees only that person's world.
    assert client.get(f"{API}/referrals/sent/", **bearer(other_secret)).json()["results"] == []
    assert client.get(f"{API}/referrals/{referral.pk}/", **bearer(other_secret)).status_code == 404


def test_a_read_only_token_cannot_change_anything(cast, client, make_token):
    _token, secret = make_token(cast.partner_admin, scope="read")
    url = f"{API}/organisations/{cast.partner.pk}/"
    assert client.get(url, **bearer(secret)).status_code == 200
    response = client.patch(
        url, {"version": 1, "phone": "0"}, content_type="application/json", **bearer(secret), **EN
    )
    assert response.status_code == 403
    assert response.json()["code"] == "read_only_token"
    assert "may only read" in response.json()["detail"]
    cast.partner.refresh_from_db()
    assert cast.partner.phone != "0"


def test_a_read_write_token_changes_data_without_csrf(cast, make_token):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    _token, secret = make_token(cast.partner_admin, scope="write")
    response = client.patch(
        f"{API}/organisations/{cast.partner.pk}/",
        {"version": 1, "phone": "053 11 22 33"},
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["phone"] == "053 11 22 33"


def test_a_token_does_not_give_more_than_its_owner_may(cast, client, make_token):
    _token, secret = make_token(cast.partner_worker, scope="write")
    response = client.patch(
        f"{API}/organisations/{cast.partner.pk}/",
        {"version": 1, "phone": "0"},
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"revoked_at": timezone.now()}, "revoked"),
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, "expired"),
    ],
)
def test_revoked_and_expired_tokens_get_401(cast, client, make_token, change, words):
    token, secret = make_token(cast.partner_worker)
    ApiToken.objects.filter(pk=token.pk).update(**change)
    response = client.get(f"{API}/organisations/", **bearer(secret), **EN)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "authentication_failed"
    assert words in response.json()["detail"]


@pytest.mark.parametrize("header", ["Bearer lwp_doesnotexist", "Bearer", "Bearer a b", "bearer é"])
def test_unknown_or_malformed_tokens_get_401(cast, client, header):
    response = client.get(f"{API}/organisations/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_deactivated_person_s_token_stops_working(cast, client, make_token):
    _token, secret = make_token(cast.partner_worker)
    cast.partner_worker.is_active = False
    cast.partner_worker.save(update_fields=["is_active"])
    assert client.get(f"{API}/organisations/", **bearer(secret)).status_code == 401


def test_without_any_credentials_the_api_still_answers_403(client):
    response = client.get(f"{API}/organisations/")
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"
    assert "WWW-Authenticate" not in response


def test_last_use_is_written_at_most_once_a_minute(cast, client, make_token):
    token, secret = make_token(cast.partner_worker)
    assert token.last_used_at is None
    client.get(f"{API}/organisations/", **bearer(secret))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get(f"{API}/organisations/", **bearer(secret))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get(f"{API}/organisations/", **bearer(secret))
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_each_token_request_is_logged_without_its_body(cast, client, make_token, caplog):
    token, secret = make_token(cast.partner_admin)
    with caplog.at_level(logging.INFO, logger="portal.core.api"):
        client.patch(
            f"{API}/organisations/{cast.partner.pk}/",
            {"version": 1, "phone": "0499 SECRET"},
            content_type="application/json",
            **bearer(secret),
        )
        client.get(f"{API}/organisations/")  # a session-less request: not a token request
    lines = [r.getMessage() for r in caplog.records if r.name == "portal.core.api"]
    assert lines == [
        f"api token={token.pk} user={cast.partner_admin.pk} "
        f"PATCH {API}/organisations/{cast.partner.pk}/ 200"
    ]
    assert "SECRET" not in caplog.text
    assert secret not in caplog.text


def test_refused_tokens_are_logged_by_prefix_only(cast, client, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.core.api"):
        client.get(f"{API}/organisations/", HTTP_AUTHORIZATION="Bearer lwp_guessedsecretvalue")
    assert "prefix=lwp_guesse " in caplog.text
    assert "guessedsecretvalue" not in caplog.text


def test_token_requests_are_rate_limited_per_person(cast, client, make_token, settings):
    settings.PORTAL_API_TOKEN_RATE = "3/minute"
    _token, first = make_token(cast.partner_worker)
    _token, second = make_token(cast.partner_worker)
    _token, someone_else = make_token(cast.social_worker)
    for secret in (first, second, first):
        assert client.get(f"{API}/organisations/", **bearer(secret)).status_code == 200
    limited = client.get(f"{API}/organisations/", **bearer(second))
    assert limited.status_code == 429
    assert limited.json()["code"] == "throttled"
    assert int(limited["Retry-After"]) > 0
    # Other people, and the same person in the browser, are not held back.
    assert client.get(f"{API}/organisations/", **bearer(someone_else)).status_code == 200
    client.force_login(cast.partner_worker)
    assert client.get(f"{API}/organisations/").status_code == 200


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "future"), (0, "future"), (367, "one year")],
)
def test_a_token_needs_an_end_date_within_a_year(cast, days, message):
    with translation.override("en"), pytest.raises(ActionRefused) as refusal:
        tokens.create_token(
            actor=cast.partner_worker,
            name="x",
            scope="read",
            expires_at=timezone.now() + timedelta(days=days),
        )
    assert message in str(refusal.value.message)


def test_only_the_owner_or_an_admin_of_their_organisation_revokes(cast, make_token):
    token, _secret = make_token(cast.social_worker)
    for person, organisation in [
        (cast.other_social_worker, None),
        (cast.coordinator, cast.ocmw),  # a colleague, not an admin
        (cast.partner_admin, cast.partner),  # an admin, but not of the owner's organisation
        (cast.partner_admin, cast.ocmw),  # naming the right organisation does not help
    ]:
        with pytest.raises(PermissionDenied):
            tokens.revoke_token(token, actor=person, organisation=organisation)
    tokens.revoke_token(token, actor=cast.org_admin, organisation=cast.ocmw)
    token.refresh_from_db()
    assert token.revoked_by == cast.org_admin
    assert cast.social_worker.notifications.filter(kind="api_token.revoked").exists()
    with pytest.raises(ActionRefused):
        tokens.revoke_token(token, actor=cast.social_worker)
