import pytest

from referrals.referrals.models import Referral

pytestmark = pytest.mark.django_db
API = "/api/v1/referrals"


def _payload(cast, **changes):
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
        "description": "Brief ontvangen.",
    }
    data.update(changes)
    return data


def test_partner_creates_and_follows_a_referral(cast, client):
    client.force_login(cast.partner_worker)
    created = client.post(f"{API}/", _payload(cast), content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "submitted"
    assert "client" not in body and "description" not in body
    listing = client.get(f"{API}/sent/").json()
    assert [row["id"] for row in listing["results"]] == [body["id"]]
    assert "count" not in listing


def test_without_consent_the_api_refuses_in_the_request_language(cast, client):
    client.force_login(cast.partner_worker)
    response = client.post(f"{API}/", _payload(cast, consent=None), content_type="application/json")
    assert response.status_code == 409
    assert "toestemming" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_another_teams_id_is_refused(cast, client):
    client.force_login(cast.partner_worker)
    response = client.post(
        f"{API}/", _payload(cast, team=cast.teams.other_partner.pk), content_type="application/json"
    )
    assert response.status_code == 404


def test_receiver_sees_the_full_referral_and_the_referrer_does_not(cast, client, referral):
    client.force_login(cast.social_worker)
    received = client.get(f"{API}/{referral.pk}/").json()
    assert received["client"]["full_name"] == "Maria Janssens"
    assert received["timeline"]
    client.force_login(cast.partner_worker)
    sent = client.get(f"{API}/{referral.pk}/").json()
    assert "client" not in sent and "timeline" not in sent and "description" not in sent


@pytest.mark.parametrize(
    "person",
    ["other_partner_worker", "other_social_worker", "internal_worker", "org_admin", "outsider"],
)
def test_others_get_404_in_the_api(cast, client, referral, person):
    client.force_login(getattr(cast, person))
    assert client.get(f"{API}/{referral.pk}/").status_code == 404
    response = client.post(
        f"{API}/{referral.pk}/acknowledge/",
        {"version": referral.version},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert client.get(f"{API}/inbox/").json()["results"] == []


def test_lifecycle_through_the_api_with_version_conflicts(cast, client, referral):
    client.force_login(cast.social_worker)
    ack = client.post(
        f"{API}/{referral.pk}/acknowledge/",
        {"version": referral.version},
        content_type="application/json",
    )
    assert ack.status_code == 200
    assert ack.json()["status"] == "acknowledged"
    stale = client.post(
        f"{API}/{referral.pk}/close/",
        {"version": referral.version, "outcome": "helped"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    fresh = ack.json()["version"]
    closed = client.post(
        f"{API}/{referral.pk}/close/",
        {"version": fresh, "outcome": "helped"},
        content_type="application/json",
    )
    assert closed.json()["status"] == "closed"


def test_partner_cannot_use_ocmw_actions(cast, client, referral):
    client.force_login(cast.partner_worker)
    response = client.post(
        f"{API}/{referral.pk}/acknowledge/",
        {"version": referral.version},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_withdrawn_consent_empties_the_referrers_view(cast, client, referral):
    client.force_login(cast.partner_worker)
    client.post(f"{API}/{referral.pk}/withdraw-consent/", {"version": referral.version})
    sent = client.get(f"{API}/{referral.pk}/").json()
    assert sent["status"] is None
    assert sent["messages"] == []


@pytest.mark.parametrize("count", [2, 20])
def test_api_lists_run_constant_queries(
    cast, client, make_referral, count, django_assert_max_num_queries
):
    for _ in range(count):
        make_referral()
    client.force_login(cast.social_worker)
    with django_assert_max_num_queries(4):
        assert len(client.get(f"{API}/inbox/").json()["results"]) == count
    client.force_login(cast.partner_worker)
    with django_assert_max_num_queries(4):
        assert len(client.get(f"{API}/sent/").json()["results"]) == count
