import pytest
from django.urls import reverse

from partners.models import Organisation, Team
from portal.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_profile_shows_receiving_teams_and_agreements(cast, client):
    client.force_login(cast.partner_worker)
    page = client.get(reverse("organisation_detail", args=[cast.ocmw.pk])).content.decode()
    assert "Energie- en watercel" in page
    assert "Buurthuis De Brug" in page
    assert "Samenlevingsopbouw" not in page  # does not receive referrals


def test_profile_of_missing_organisation_is_404(cast, client):
    client.force_login(cast.partner_worker)
    assert client.get(reverse("organisation_detail", args=[99999])).status_code == 404


def _profile_data(organisation, **changes):
    data = {
        "version": organisation.version,
        "name": organisation.name,
        "street": organisation.street,
        "postcode": organisation.postcode_id or "",
        "email": "",
        "phone": "",
        "website": "",
        "opening_hours": "",
        "accessibility": "",
        "description": "",
        "languages": ["nl", "fr"],
        "offers": ["accompany"],
    }
    data.update(changes)
    return data


def test_admin_edits_the_profile_and_it_is_audited(cast, client):
    client.force_login(cast.partner_admin)
    url = reverse("organisation_edit", args=[cast.partner.pk])
    response = client.post(url, _profile_data(cast.partner, description="Koffie en hulp"))
    assert response.status_code == 302
    cast.partner.refresh_from_db()
    assert cast.partner.description == "Koffie en hulp"
    assert cast.partner.languages == "nl fr"
    assert cast.partner.version == 2
    assert AuditEntry.objects.filter(action="organisation.updated").exists()


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(cast, client):
    client.force_login(cast.partner_admin)
    url = reverse("organisation_edit", args=[cast.partner.pk])
    stale = _profile_data(cast.partner, description="Eerste versie")
    Organisation.objects.filter(pk=cast.partner.pk).update(version=5, description="Van collega")
    response = client.post(url, stale)
    assert response.status_code == 200
    page = response.content.decode()
    assert "iemand anders" in page.lower()
    assert "Eerste versie" in page
    cast.partner.refresh_from_db()
    assert cast.partner.description == "Van collega"


@pytest.mark.parametrize(
    ("person", "status"),
    [("partner_worker", 403), ("org_admin", 404), ("outsider", 404), ("partner_admin", 200)],
)
def test_who_may_edit_a_partner_profile(cast, client, person, status):
    client.force_login(getattr(cast, person))
    assert client.get(reverse("organisation_edit", args=[cast.partner.pk])).status_code == status


def test_admin_creates_a_team_and_its_group(cast, client):
    client.force_login(cast.org_admin)
    response = client.post(
        reverse("teams", args=[cast.ocmw.pk]),
        {
            "new-name": "Schuldbemiddeling",
            "new-receives_referrals": "on",
            "new-capacity_per_worker": 20,
        },
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Schuldbemiddeling")
    assert team.group is not None
    assert not team.handles_arrears


def test_team_form_has_no_arrears_switch(cast, client):
    client.force_login(cast.org_admin)
    page = client.get(reverse("team_edit", args=[cast.ocmw.pk, cast.teams.beheer.pk]))
    assert b'name="handles_arrears"' not in page.content
    client.post(
        reverse("team_edit", args=[cast.ocmw.pk, cast.teams.beheer.pk]),
        {"version": 1, "name": "Beheer", "handles_arrears": "on", "capacity_per_worker": 25},
    )
    cast.teams.beheer.refresh_from_db()
    assert not cast.teams.beheer.handles_arrears


@pytest.mark.parametrize(("person", "status"), [("coordinator", 403), ("partner_admin", 404)])
def test_teams_page_is_for_the_own_admin_only(cast, client, person, status):
    client.force_login(getattr(cast, person))
    assert client.get(reverse("teams", args=[cast.ocmw.pk])).status_code == status


def test_duplicate_team_name_is_refused_in_dutch(cast, client):
    client.force_login(cast.org_admin)
    response = client.post(
        reverse("teams", args=[cast.ocmw.pk]), {"new-name": "onthaal", "new-capacity_per_worker": 5}
    )
    assert response.status_code == 200
    assert "al een team" in response.content.decode()


def test_member_removal_asks_for_confirmation_first(cast, client):
    from partners.models import Membership

    membership = Membership.objects.get(user=cast.onthaal_worker)
    client.force_login(cast.org_admin)
    url = reverse("member_remove", args=[cast.ocmw.pk, membership.pk])
    assert client.get(url).status_code == 200
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_member_of_another_organisation_cannot_be_removed_through_this_one(cast, client):
    from partners.models import Membership

    membership = Membership.objects.get(user=cast.partner_worker)
    client.force_login(cast.org_admin)
    url = reverse("member_remove", args=[cast.ocmw.pk, membership.pk])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_ocmw_profile_shows_how_quickly_each_team_makes_contact(cast, client, make_referral):
    """Through the real services: first contact is when the OCMW records it."""
    from datetime import timedelta

    from django.utils import timezone

    from referrals.referrals import services
    from referrals.referrals.models import Referral

    for hours in (2, 10, 30, 60, 90):
        referral = make_referral()
        Referral.objects.filter(pk=referral.pk).update(
            submitted_at=timezone.now() - timedelta(hours=hours)
        )
        referral.refresh_from_db()
        referral = services.acknowledge_referral(
            referral, actor=cast.social_worker, version=referral.version
        )
        services.record_contact(referral, actor=cast.social_worker, version=referral.version)
    client.force_login(cast.other_partner_worker)
    response = client.get(reverse("organisation_detail", args=[cast.ocmw.pk]))
    replies = {row.team_id: row for row in response.context["replies"]}
    watercel = replies[cast.teams.watercel.pk]
    assert (watercel.contacted, watercel.taken_on, watercel.refused) == (5, 5, 0)
    assert 29.9 <= watercel.median_hours <= 30.1
    assert 'data-role="reply-figures"' in response.content.decode()
    empty = client.get(reverse("organisation_detail", args=[cast.other_ocmw.pk]))
    assert [row.referrals for row in empty.context["replies"]] == [0]
