"""One error format for the whole API, in the language of Accept-Language."""

import pytest
from django.test import override_settings

from referrals.referrals.models import Referral

pytestmark = pytest.mark.django_db
API = "/api/v1"


def test_invalid_input_names_the_fields(cast, client):
    client.force_login(cast.partner_worker)
    response = client.post(
        f"{API}/referrals/",
        {"team": cast.teams.partner.pk, "reason": "rent"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert set(body["fields"]) >= {"client", "reason", "description"}
    assert body["fields"]["description"] == ["This field is required."]


def test_nested_field_errors_keep_their_shape(cast, client):
    client.force_login(cast.partner_worker)
    response = client.post(
        f"{API}/referrals/",
        {
            "team": cast.teams.partner.pk,
            "client": {"full_name": "X"},
            "reason": "water",
            "description": "x",
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["fields"]["client"]["street"] == ["This field is required."]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", "Dit veld is vereist."),
        ("nl-BE,nl;q=0.9,en;q=0.8", "Dit veld is vereist."),
        ("en-GB,en;q=0.9", "This field is required."),
        ("fr-BE,fr;q=0.9", "Ce champ est obligatoire."),
        ("de-DE,de;q=0.9", "Dit veld is vereist."),  # not offered: Dutch
        ("de,en;q=0.5", "This field is required."),  # the first one we speak
    ],
)
def test_messages_follow_accept_language(cast, client, accept, expected):
    client.force_login(cast.partner_worker)
    extra = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = client.post(f"{API}/referrals/", {}, content_type="application/json", **extra)
    assert response.json()["fields"]["description"] == [expected]
    assert "Accept-Language" in response["Vary"]


def test_pages_still_ignore_accept_language(cast, client):
    client.force_login(cast.partner_worker)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "nl"


def test_business_refusals_are_409_with_a_code(cast, client, referral):
    client.force_login(cast.social_worker)
    response = client.post(
        f"{API}/referrals/{referral.pk}/close/",
        {"version": referral.version, "outcome": "helped"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Referral.objects.get(pk=referral.pk).status == "submitted"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here/",
        "/api/v1/referrals/abc/",
        "/api/v1/organisations/1.5/",
        "/api/v1/referrals/99999999999999999999999/",
    ],
)
def test_unknown_urls_and_ids_are_json_404s(cast, client, path):
    client.force_login(cast.partner_worker)
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_an_invalid_cursor_is_a_404_in_the_same_format(cast, client):
    client.force_login(cast.partner_worker)
    response = client.get(f"{API}/organisations/", {"cursor": "garbage"})
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "code"}


def test_wrong_method_and_unparsable_json(cast, client):
    client.force_login(cast.partner_worker)
    method = client.delete(f"{API}/organisations/{cast.partner.pk}/")
    assert method.status_code == 405
    assert method.json()["code"] == "method_not_allowed"
    broken = client.post(f"{API}/referrals/", "{not json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()["code"] == "parse_error"


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_a_server_error_in_the_api_is_json_too(cast, client, monkeypatch):
    from partners import api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api.OrganisationViewSet, "get_queryset", broken)
    client.raise_request_exception = False
    client.force_login(cast.partner_worker)
    response = client.get(f"{API}/organisations/")
    assert response.status_code == 500
    assert response.json()["code"] == "error"
    assert "boom" not in response.content.decode()
