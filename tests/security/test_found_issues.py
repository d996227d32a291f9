"""Leaks and wrong answers the matrix and the crawl found, each pinned down.

- A draft referral (no consent yet) was visible to the receiving team: its page
  and API showed the client's details before anything was sent. Drafts are now
  the referrer's alone (``Referral.objects.visible_to``), and a LAC list no
  longer matches a draft's client.
- A transfer to a team the worker is not in answered 404 (API) or led to a 404
  page, as if it had failed. It answers 204 / goes to the inbox now.
- An organisation admin could invite themselves as privacy officer, whose
  right-of-access export holds the arrears: "gain arrears access by being admin".
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from partners.models import Membership
from portal.core.models import Invitation
from referrals.cases import lac_import
from referrals.cases.models import Case
from tests.security.helpers import client_of
from tests.security.world import LAC_HEADER

pytestmark = pytest.mark.django_db


def test_a_draft_is_the_referrers_alone(world):
    for role, status in (("partner_worker", 200), ("social_worker", 404), ("coordinator", 404)):
        client = client_of(world, role)
        assert client.get(reverse("referral_detail", args=[world.draft.pk])).status_code == status
        assert client.get(f"/api/v1/referrals/{world.draft.pk}/").status_code == status
        inbox = client.get("/api/v1/referrals/inbox/").json()["results"]
        assert world.draft.pk not in [row["id"] for row in inbox]


def test_a_lac_list_does_not_match_the_client_of_a_draft(world):
    client = world.draft.client
    row = f"Farys;FA-77;{client.full_name};{client.street};{client.postcode.code};;12,00;;;;"
    imported, plan = lac_import.start_import(
        ocmw=world.ocmw,
        session=world.lac_session,
        actor=world.social_worker,
        filename="lijst.csv",
        raw=f"{LAC_HEADER}\n{row}\n".encode(),
    )
    assert [r.action for r in plan.rows] == ["create"]
    lac_import.apply(imported, actor=world.social_worker)
    assert not Case.objects.filter(referrals=world.draft).exists()


def test_a_transfer_out_of_sight_says_done_not_missing(world):
    client = client_of(world, "social_worker")
    body = {"version": world.referral2.version, "to_team": world.teams.onthaal.pk}
    response = client.post(
        f"/api/v1/referrals/{world.referral2.pk}/transfer/",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 204
    referral = world.referral
    response = client.post(
        reverse("referral_action", args=[referral.pk, "transfer"]),
        {"version": referral.version, "to_team": world.teams.onthaal.pk, "message": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("referral_inbox")


@pytest.mark.parametrize("team", ["onthaal", "watercel"])
def test_an_admin_cannot_make_themselves_privacy_officer(world, team):
    """The privacy officer's export holds the arrears: an admin may appoint one, but
    not themselves (the same rule as for joining an arrears team)."""
    admin = world.org_admin
    client = client_of(world, "org_admin")
    response = client.post(
        f"/api/v1/organisations/{world.ocmw.pk}/members/",
        json.dumps(
            {
                "full_name": admin.full_name,
                "email": admin.email.upper(),
                "team": getattr(world.teams, team).pk,
                "role": Membership.Role.PRIVACY,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert not Invitation.objects.filter(email__iexact=admin.email).exists()


def test_an_admin_may_appoint_someone_else_as_privacy_officer(world):
    client = client_of(world, "org_admin")
    response = client.post(
        f"/api/v1/organisations/{world.ocmw.pk}/members/",
        json.dumps(
            {
                "full_name": "Functionaris",
                "email": "dpo@example.org",
                "team": world.teams.onthaal.pk,
                "role": Membership.Role.PRIVACY,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 202
