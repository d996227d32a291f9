"""ETag and If-Match: concurrent edits are refused (412), not lost."""

import pytest

from partners.models import Organisation, Team
from referrals.cases import services as cases
from referrals.cases.models import ArrearsRecord
from referrals.referrals.models import Referral
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"
JSON = "application/json"


def test_detail_responses_carry_the_version_as_etag(cast, client, referral):
    client.force_login(cast.partner_admin)
    response = client.get(f"{API}/organisations/{cast.partner.pk}/")
    assert response["ETag"] == f'"{cast.partner.version}"'
    client.force_login(cast.social_worker)
    assert client.get(f"{API}/referrals/{referral.pk}/")["ETag"] == f'"{referral.version}"'
    # Lists have no single version, so no ETag.
    assert "ETag" not in client.get(f"{API}/referrals/inbox/")


def test_if_match_alone_is_enough_to_update(cast, client):
    client.force_login(cast.partner_admin)
    url = f"{API}/organisations/{cast.partner.pk}/"
    tag = client.get(url)["ETag"]
    response = client.patch(url, {"phone": "053 11 22 33"}, content_type=JSON, HTTP_IF_MATCH=tag)
    assert response.status_code == 200, response.json()
    assert response["ETag"] == '"2"'
    assert Organisation.objects.get(pk=cast.partner.pk).phone == "053 11 22 33"


def test_a_stale_if_match_is_412_and_changes_nothing(cast, client):
    client.force_login(cast.partner_admin)
    url = f"{API}/organisations/{cast.partner.pk}/"
    client.patch(url, {"phone": "1"}, content_type=JSON, HTTP_IF_MATCH='"1"')
    stale = client.patch(
        url, {"phone": "2"}, content_type=JSON, HTTP_IF_MATCH='"1"', HTTP_ACCEPT_LANGUAGE="en"
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert "Someone else changed" in stale.json()["detail"]
    partner = Organisation.objects.get(pk=cast.partner.pk)
    assert (partner.phone, partner.version) == ("1", 2)


def test_if_match_and_body_version_must_agree(cast, client):
    client.force_login(cast.partner_admin)
    url = f"{API}/organisations/{cast.partner.pk}/"
    response = client.patch(
        url, {"version": 7, "phone": "2"}, content_type=JSON, HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 412
    agreeing = client.patch(
        url, {"version": 1, "phone": "2"}, content_type=JSON, HTTP_IF_MATCH='W/"1"'
    )
    assert agreeing.status_code == 200


def test_the_body_version_alone_keeps_working(cast, client):
    client.force_login(cast.partner_admin)
    url = f"{API}/organisations/{cast.partner.pk}/"
    assert client.patch(url, {"version": 1, "phone": "2"}, content_type=JSON).status_code == 200
    assert client.patch(url, {"version": 1, "phone": "3"}, content_type=JSON).status_code == 409


@pytest.mark.parametrize("header", ["1", "'1'", '"x"', '"1", "2"'])
def test_a_malformed_if_match_is_400(cast, client, header):
    client.force_login(cast.partner_admin)
    response = client.patch(
        f"{API}/organisations/{cast.partner.pk}/",
        {"phone": "2"},
        content_type=JSON,
        HTTP_IF_MATCH=header,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_access_is_checked_before_the_version(cast, client):
    """An outsider learns nothing from If-Match: 404 / 403 as without it."""
    other = OrganisationFactory(name="Elders")
    client.force_login(cast.partner_admin)
    assert (
        client.patch(
            f"{API}/organisations/{other.pk}/",
            {"phone": "0"},
            content_type=JSON,
            HTTP_IF_MATCH='"9"',
        ).status_code
        == 404
    )
    client.force_login(cast.partner_worker)
    assert (
        client.patch(
            f"{API}/organisations/{cast.partner.pk}/",
            {"phone": "0"},
            content_type=JSON,
            HTTP_IF_MATCH='"9"',
        ).status_code
        == 403
    )


def test_referral_actions_take_if_match(cast, client, referral):
    client.force_login(cast.social_worker)
    url = f"{API}/referrals/{referral.pk}"
    tag = client.get(f"{url}/")["ETag"]
    ack = client.post(f"{url}/acknowledge/", {}, content_type=JSON, HTTP_IF_MATCH=tag)
    assert ack.status_code == 200, ack.json()
    assert ack["ETag"] == f'"{referral.version + 1}"'
    stale = client.post(
        f"{url}/close/", {"outcome": "helped"}, content_type=JSON, HTTP_IF_MATCH=tag
    )
    assert stale.status_code == 412
    assert Referral.objects.get(pk=referral.pk).status == "acknowledged"
    closed = client.post(
        f"{url}/close/", {"outcome": "helped"}, content_type=JSON, HTTP_IF_MATCH=ack["ETag"]
    )
    assert closed.json()["status"] == "closed"


def test_others_get_404_not_412_on_referrals(cast, client, referral):
    client.force_login(cast.other_social_worker)
    response = client.post(
        f"{API}/referrals/{referral.pk}/acknowledge/", {}, content_type=JSON, HTTP_IF_MATCH='"99"'
    )
    assert response.status_code == 404


def test_a_team_change_must_say_which_version(cast, client):
    team = cast.teams.onthaal
    client.force_login(cast.org_admin)
    url = f"{API}/teams/{team.pk}/"
    blind = client.patch(url, {"name": "Onthaal 2"}, content_type=JSON)
    assert blind.status_code == 428
    assert blind.json()["code"] == "precondition_required"
    assert Team.objects.get(pk=team.pk).name == "Onthaal"
    ok = client.patch(
        url, {"name": "Onthaal 2"}, content_type=JSON, HTTP_IF_MATCH=f'"{team.version}"'
    )
    assert ok.status_code == 200
    assert ok["ETag"] == f'"{team.version + 1}"'


def test_arrears_put_uses_the_record_version(cast, client, referral):
    water = OrganisationFactory(name="De Watergroep", kind=Organisation.Kind.WATER_COMPANY)
    referral = Referral.objects.get(pk=referral.pk)
    from referrals.referrals import services

    referral = services.acknowledge_referral(
        referral, actor=cast.social_worker, version=referral.version
    )
    case = cases.open_case_from_referral(referral, actor=cast.social_worker)
    client.force_login(cast.social_worker)
    url = f"{API}/cases/{case.pk}/arrears/"
    body = {"water_company": water.pk, "customer_number": "C-1", "amount_outstanding": "100.00"}
    # The first PUT creates the record: there is no version to match yet.
    assert client.put(url, body, content_type=JSON, HTTP_IF_MATCH='"1"').status_code == 412
    created = client.put(url, body, content_type=JSON)
    assert created.status_code == 200, created.json()
    assert created["ETag"] == '"1"'
    assert client.get(url)["ETag"] == '"1"'
    # From then on a blind overwrite is refused.
    assert (
        client.put(url, {**body, "amount_outstanding": "5.00"}, content_type=JSON).status_code
        == 428
    )
    assert (
        client.put(
            url, {**body, "amount_outstanding": "5.00"}, content_type=JSON, HTTP_IF_MATCH='"1"'
        ).status_code
        == 200
    )
    assert client.put(url, body, content_type=JSON, HTTP_IF_MATCH='"1"').status_code == 412
    assert ArrearsRecord.objects.get(case=case).amount_outstanding == 5


def test_the_schema_documents_if_match_and_etag(cast, client):
    import yaml

    client.force_login(cast.partner_worker)
    schema = yaml.safe_load(client.get(f"{API}/schema/").content)
    patch = schema["paths"]["/api/v1/organisations/{id}/"]["patch"]
    assert "If-Match" in [p["name"] for p in patch["parameters"]]
    assert {"412", "409", "400"} <= set(patch["responses"])
    assert "ETag" in patch["responses"]["200"]["headers"]
    team = schema["paths"]["/api/v1/teams/{id}/"]["patch"]
    assert "428" in team["responses"]
    get = schema["paths"]["/api/v1/referrals/{id}/"]["get"]
    assert "ETag" in get["responses"]["200"]["headers"]
