import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partners import invitations as services
from partners.models import Membership
from portal.core.exceptions import ActionRefused
from portal.core.models import Invitation, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(cast, client, django_capture_on_commit_callbacks):
    def _invite(email="nieuw@example.org", team=None):
        client.force_login(cast.org_admin)
        team = team or cast.teams.onthaal
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("members", args=[cast.ocmw.pk]),
                {"full_name": "Nieuwe Collega", "email": email, "team": team.pk, "role": "member"},
            )
        assert response.status_code == 302, response.content
        link = re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.outbox[-1].body)
        client.logout()
        return link.group(1)

    return _invite


def test_signup_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert b"invitation" in response.content.lower() or b"uitnodiging" in response.content.lower()
    client.post(
        reverse("account_signup"),
        {
            "email": "self@example.org",
            "password1": "Zeer-geheim-2026",
            "password2": "Zeer-geheim-2026",
        },
    )
    assert not User.objects.filter(email="self@example.org").exists()


def test_invitation_email_has_a_single_use_link(cast, client, invite):
    link = invite()
    assert mail.outbox[-1].to == ["nieuw@example.org"]
    assert "OCMW Aalst" in mail.outbox[-1].subject

    response = client.get(link)
    assert response.status_code == 200
    assert b"nieuw@example.org" in response.content

    response = client.post(
        link,
        {
            "full_name": "Nieuwe Collega",
            "password1": "Water-en-brood-26",
            "password2": "Water-en-brood-26",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@example.org")
    assert user.check_password("Water-en-brood-26")
    assert Membership.objects.filter(user=user, team=cast.teams.onthaal).exists()
    assert user.groups.filter(pk=cast.teams.onthaal.group_id).exists()

    client.logout()
    second = client.get(link)
    assert second.status_code == 410
    assert "al gebruikt" in second.content.decode()


def test_invitation_link_expires(cast, client, invite):
    link = invite()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(
        link, {"full_name": "X", "password1": "Water-en-brood-26", "password2": "Water-en-brood-26"}
    )
    assert response.status_code == 410
    assert "verlopen" in response.content.decode()
    assert not User.objects.filter(email="nieuw@example.org").exists()


def test_unknown_and_revoked_links_are_refused(cast, client, invite):
    assert client.get("/invitations/not-a-real-token/").status_code == 410
    link = invite()
    services.revoke_invitation(Invitation.objects.get(), actor=cast.org_admin)
    assert client.get(link).status_code == 410


def test_bad_password_keeps_what_was_typed_and_explains_in_dutch(cast, client, invite):
    link = invite()
    response = client.post(
        link, {"full_name": "Nieuwe Collega", "password1": "kort", "password2": "anders"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "niet hetzelfde" in page
    assert 'value="Nieuwe Collega"' in page
    assert not User.objects.filter(email="nieuw@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_accept_cannot_be_replayed_by_a_service_call(cast, client, invite):
    link = invite()
    token = link.strip("/").split("/")[-1]
    services.accept_invitation(token, password="Water-en-brood-26", full_name="A")
    with pytest.raises(ActionRefused):
        services.accept_invitation(token, password="Water-en-brood-26", full_name="B")


def test_existing_account_joins_after_logging_in(cast, client, invite):
    link = invite(email=cast.partner_worker.email)
    # Not logged in: cannot take over the existing account by choosing a password.
    response = client.post(
        link, {"full_name": "X", "password1": "Water-en-brood-26", "password2": "Water-en-brood-26"}
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=cast.partner_worker, team=cast.teams.onthaal).exists()
    client.force_login(cast.partner_worker)
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.filter(user=cast.partner_worker, team=cast.teams.onthaal).exists()


def test_only_the_organisation_admin_may_invite(cast, client, invite):
    url = reverse("members", args=[cast.ocmw.pk])
    data = {"full_name": "X", "email": "x@example.org", "team": cast.teams.onthaal.pk}
    client.force_login(cast.social_worker)  # member of the OCMW, not admin
    assert client.post(url, data).status_code == 403
    client.force_login(cast.partner_admin)  # admin of another organisation
    assert client.post(url, data).status_code == 404
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert not Invitation.objects.exists()


def test_admin_cannot_invite_themselves_into_an_arrears_team(cast, client, invite):
    client.force_login(cast.org_admin)
    response = client.post(
        reverse("members", args=[cast.ocmw.pk]),
        {
            "full_name": "Ik",
            "email": cast.org_admin.email,
            "team": cast.teams.watercel.pk,
            "role": "member",
        },
    )
    assert response.status_code == 200
    assert "achterstal" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invitation_to_a_team_of_another_organisation_is_refused(cast, client, invite):
    client.force_login(cast.org_admin)
    response = client.post(
        reverse("members", args=[cast.ocmw.pk]),
        {"full_name": "X", "email": "x@example.org", "team": cast.teams.partner.pk},
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()
