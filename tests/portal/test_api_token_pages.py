"""The pages for API tokens: your own under My account, your members' for admins."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from portal.core.models import ApiToken, Notification

pytestmark = pytest.mark.django_db


def test_the_account_menu_links_to_api_tokens(cast, client):
    client.force_login(cast.partner_worker)
    page = client.get(reverse("account_email")).content.decode()
    assert reverse("api_tokens") in page


def test_make_a_token_and_see_it_once(cast, client):
    client.force_login(cast.partner_worker)
    url = reverse("api_tokens")
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Ons CRM", "scope": "read", "days": "90"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=cast.partner_worker)
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert ApiToken.objects.by_secret(secret).get() == token
    assert token.scope == "read"
    assert 89 <= (token.expires_at - token.created_at).days <= 90
    listing = client.get(url).content.decode()
    assert "Ons CRM" in listing and token.prefix in listing
    assert secret not in listing


def test_the_form_refuses_durations_it_does_not_offer(cast, client):
    client.force_login(cast.partner_worker)
    response = client.post(reverse("api_tokens"), {"name": "x", "scope": "write", "days": "3650"})
    assert response.status_code == 200
    assert response.context["form"].errors["days"]
    assert not ApiToken.objects.exists()


def test_revoke_asks_first_then_revokes(cast, client, make_token):
    token, secret = make_token(cast.partner_worker)
    client.force_login(cast.partner_worker)
    url = reverse("api_token_revoke", args=[token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and token.name in confirm.content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert client.post(url).status_code == 302
    assert ApiToken.objects.get(pk=token.pk).status == "revoked"
    assert (
        client.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code
        == 401
    )


def test_someone_else_s_token_is_a_404(cast, client, make_token):
    token, _secret = make_token(cast.partner_worker)
    client.force_login(cast.partner_admin)  # even the admin, through the personal page
    assert client.get(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_admin_sees_and_revokes_members_tokens(cast, client, make_token):
    token, _secret = make_token(cast.social_worker, name="Zaaksysteem")
    outsiders_token, _secret = make_token(cast.partner_worker, name="Van elders")
    client.force_login(cast.org_admin)
    listing = client.get(reverse("organisation_api_tokens", args=[cast.ocmw.pk])).content.decode()
    assert "Zaaksysteem" in listing and escape(cast.social_worker.full_name) in listing
    assert "Van elders" not in listing
    url = reverse("organisation_api_token_revoke", args=[cast.ocmw.pk, token.pk])
    assert client.get(url).status_code == 200
    client.post(url)
    token.refresh_from_db()
    assert token.revoked_by == cast.org_admin
    assert Notification.objects.filter(recipient=cast.social_worker, kind="api_token.revoked")
    # A token of someone outside the organisation cannot be reached through it.
    other = reverse("organisation_api_token_revoke", args=[cast.ocmw.pk, outsiders_token.pk])
    assert client.post(other).status_code == 404
    assert ApiToken.objects.get(pk=outsiders_token.pk).revoked_at is None


@pytest.mark.parametrize(
    ("person", "status"),
    [("coordinator", 403), ("social_worker", 403), ("partner_admin", 404), ("outsider", 404)],
)
def test_members_tokens_page_refused_sides(cast, client, make_token, person, status):
    token, _secret = make_token(cast.social_worker)
    client.force_login(getattr(cast, person))
    assert client.get(reverse("organisation_api_tokens", args=[cast.ocmw.pk])).status_code == status
    url = reverse("organisation_api_token_revoke", args=[cast.ocmw.pk, token.pk])
    assert client.post(url).status_code == status
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_pages_need_login(client):
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302
