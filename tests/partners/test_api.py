import pytest
from django.core import mail

from partners.models import Agreement, Membership, Team

pytestmark = pytest.mark.django_db

API = "/api/v1"


def test_api_needs_login(client):
    response = client.get(f"{API}/organisations/")
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_directory_api_filters_and_paginates_by_cursor(cast, client):
    client.force_login(cast.partner_worker)
    body = client.get(f"{API}/organisations/", {"kind": "ocmw"}).json()
    assert [row["name"] for row in body["results"]] == ["OCMW Aalst", "Sociaal Huis Dendermonde"]
    assert "next" in body
    assert "count" not in body


def test_profile_update_through_api_refuses_stale_versions(cast, client):
    client.force_login(cast.partner_admin)
    url = f"{API}/organisations/{cast.partner.pk}/"
    ok = client.patch(url, {"version": 1, "phone": "053 11 22 33"}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = client.patch(url, {"version": 1, "phone": "0"}, content_type="application/json")
    assert stale.status_code == 409
    assert "iemand anders" in stale.json()["detail"].lower()


@pytest.mark.parametrize(("person", "status"), [("partner_worker", 403), ("org_admin", 404)])
def test_profile_update_refused_sides(cast, client, person, status):
    client.force_login(getattr(cast, person))
    response = client.patch(
        f"{API}/organisations/{cast.partner.pk}/",
        {"version": 1, "phone": "0"},
        content_type="application/json",
    )
    assert response.status_code == status


def test_admin_lists_members_and_invites_through_api(
    cast, client, django_capture_on_commit_callbacks
):
    client.force_login(cast.org_admin)
    members = client.get(f"{API}/organisations/{cast.ocmw.pk}/members/").json()
    assert cast.social_worker.email in [m["email"] for m in members]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/organisations/{cast.ocmw.pk}/members/",
            {"full_name": "Nieuw", "email": "nieuw@example.org", "team": cast.teams.onthaal.pk},
            content_type="application/json",
        )
    assert response.status_code == 202
    assert mail.outbox[-1].to == ["nieuw@example.org"]


def test_partner_admin_cannot_list_ocmw_members(cast, client):
    client.force_login(cast.partner_admin)
    assert client.get(f"{API}/organisations/{cast.ocmw.pk}/members/").status_code == 404


def test_membership_delete_through_api(cast, client):
    membership = Membership.objects.get(user=cast.onthaal_worker)
    client.force_login(cast.partner_admin)
    assert client.delete(f"{API}/memberships/{membership.pk}/").status_code == 404
    client.force_login(cast.org_admin)
    assert client.delete(f"{API}/memberships/{membership.pk}/").status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_team_create_and_arrears_flag_refused(cast, client):
    client.force_login(cast.org_admin)
    created = client.post(
        f"{API}/organisations/{cast.ocmw.pk}/teams/",
        {"name": "Nazorg", "receives_referrals": True},
        content_type="application/json",
    )
    assert created.status_code == 201
    team = Team.objects.get(name="Nazorg")
    refused = client.patch(
        f"{API}/teams/{team.pk}/",
        {"version": team.version, "handles_arrears": True},
        content_type="application/json",
    )
    assert refused.status_code == 403
    team.refresh_from_db()
    assert not team.handles_arrears


def test_agreement_lifecycle_through_api(cast, client):
    client.force_login(cast.coordinator)
    proposed = client.post(
        f"{API}/agreements/",
        {"proposer": cast.ocmw.pk, "other": cast.other_partner.pk, "valid_from": "2026-12-01"},
        content_type="application/json",
    )
    assert proposed.status_code == 201, proposed.json()
    pk = proposed.json()["id"]
    own_confirm = client.post(f"{API}/agreements/{pk}/confirm/")
    assert own_confirm.status_code == 403
    ended = client.post(
        f"{API}/agreements/{pk}/end/", {"reason": "vergissing"}, content_type="application/json"
    )
    assert ended.json()["status"] == "ended"
    assert Agreement.objects.get(pk=pk).ended_at is not None


def test_agreements_of_others_are_invisible_in_api(cast, client):
    client.force_login(cast.other_social_worker)
    assert client.get(f"{API}/agreements/").json()["results"] == []
    agreement = Agreement.objects.get(partner=cast.partner)
    assert client.get(f"{API}/agreements/{agreement.pk}/").status_code == 404


def test_schema_and_docs_are_served(cast, client):
    client.force_login(cast.partner_worker)
    assert client.get(f"{API}/schema/").status_code == 200
    assert client.get(f"{API}/docs/").status_code == 200
