import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_log_in_with_email_lands_on_dashboard(cast, client):
    response = client.post(
        reverse("account_login"), {"login": "PARTNER@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).context["user"] == cast.partner_worker


def test_wrong_password_says_so_in_dutch_and_keeps_the_email(cast, client):
    response = client.post(
        reverse("account_login"), {"login": "partner@example.org", "password": "fout"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "klopt niet" in page
    assert 'value="partner@example.org"' in page


def test_home_sends_visitors_to_login_and_members_to_dashboard(cast, client):
    assert client.get("/").url == reverse("account_login")
    client.force_login(cast.partner_worker)
    assert client.get("/").url == reverse("dashboard")


@pytest.mark.parametrize(
    ("person", "marker"),
    [
        ("partner_worker", 'data-role="referrer"'),
        ("internal_worker", 'data-role="referrer"'),
        ("social_worker", 'data-role="social-worker"'),
        ("coordinator", 'data-role="coordinator"'),
        ("org_admin", 'data-role="org-admin"'),
        ("platform_admin", 'data-role="platform-admin"'),
    ],
)
def test_each_role_lands_on_a_page_for_that_role(cast, client, person, marker):
    client.force_login(getattr(cast, person))
    page = client.get(reverse("dashboard")).content.decode()
    assert marker in page


def test_partner_dashboard_shows_no_ocmw_sections(cast, client):
    client.force_login(cast.partner_worker)
    page = client.get(reverse("dashboard")).content.decode()
    for marker in ("social-worker", "coordinator", "org-admin", "platform-admin"):
        assert f'data-role="{marker}"' not in page


def test_dashboard_needs_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_dashboard_query_count_is_bounded(cast, client, django_assert_max_num_queries):
    client.force_login(cast.coordinator)
    with django_assert_max_num_queries(8):
        client.get(reverse("dashboard"))
