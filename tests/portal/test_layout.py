import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_dutch_by_default_even_for_english_browsers(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert '<html lang="nl">' in page
    assert "Aanmelden" in page
    assert 'href="#main"' in page  # skip link


def test_language_switch_is_remembered_on_the_account(cast, client):
    client.force_login(cast.partner_worker)
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/dashboard/"})
    assert response.url == "/dashboard/"
    cast.partner_worker.refresh_from_db()
    assert cast.partner_worker.language == "fr"
    client.cookies.clear()
    client.force_login(cast.partner_worker)
    assert '<html lang="fr">' in client.get(reverse("dashboard")).content.decode()


def test_language_switch_refuses_foreign_redirects(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example.com/"}
    )
    assert response.url == "/"


def test_friendly_404_in_dutch(client, settings):
    settings.DEBUG = False
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "We kunnen deze pagina niet vinden" in response.content.decode()


def test_friendly_403_in_dutch(cast, client, settings):
    settings.DEBUG = False
    client.force_login(cast.social_worker)
    response = client.get(reverse("members", args=[cast.ocmw.pk]))
    assert response.status_code == 403
    assert "Dit kunt u niet doen" in response.content.decode()


def test_500_page_is_static_dutch():
    from pathlib import Path

    page = (Path(__file__).parents[2] / "portal/templates/500.html").read_text()
    assert '<html lang="nl">' in page
    assert "Er ging iets mis" in page


@pytest.mark.parametrize("person", ["org_admin", "coordinator", "partner_worker", "outsider"])
def test_admin_is_closed_to_everyone_but_platform_admins(cast, client, person):
    client.force_login(getattr(cast, person))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_platform_admin_opens_admin(cast, client):
    client.force_login(cast.platform_admin)
    assert client.get("/admin/").status_code == 200
