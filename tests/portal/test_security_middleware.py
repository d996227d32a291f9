import time

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def enforce(settings):
    settings.PORTAL_ENFORCE_MFA = True


def _totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


@pytest.mark.parametrize(
    "person", ["social_worker", "coordinator", "org_admin", "partner_admin", "platform_admin"]
)
def test_sensitive_roles_must_set_up_two_step_login_first(cast, client, enforce, person):
    client.force_login(getattr(cast, person))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    # The set-up pages themselves stay open (allauth first asks the password again).
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200 or setup.url.startswith("/accounts/reauthenticate/")
    assert client.get("/accounts/reauthenticate/").status_code == 200
    api = client.get("/api/v1/organisations/")
    assert api.status_code == 403
    assert api.json()["code"] == "mfa_required"


@pytest.mark.parametrize("person", ["partner_worker", "internal_worker", "onthaal_worker"])
def test_other_roles_are_not_forced(cast, client, enforce, person):
    client.force_login(getattr(cast, person))
    assert client.get(reverse("dashboard")).status_code == 200


def test_with_totp_set_up_the_portal_opens(cast, client, enforce):
    _totp(cast.social_worker)
    client.force_login(cast.social_worker)
    assert client.get(reverse("dashboard")).status_code == 200


def test_organisation_can_require_it_for_everyone(cast, client, enforce):
    cast.partner.mfa_required = True
    cast.partner.save()
    client.force_login(cast.partner_worker)
    assert client.get(reverse("dashboard")).url == reverse("mfa_activate_totp")


def test_idle_timeout_logs_out(cast, client, settings):
    client.force_login(cast.partner_worker)
    assert client.get(reverse("dashboard")).status_code == 200
    session = client.session
    session["portal_seen"] = int(time.time()) - settings.PORTAL_SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert client.get(reverse("dashboard")).status_code == 302  # really logged out


def test_absolute_timeout_logs_out_even_when_active(cast, client, settings):
    client.force_login(cast.partner_worker)
    session = client.session
    session["portal_started"] = int(time.time()) - settings.PORTAL_SESSION_MAX_HOURS * 3600 - 5
    session.save()
    assert client.get(reverse("dashboard")).status_code == 302


def test_pages_with_personal_data_are_not_stored(cast, client):
    client.force_login(cast.partner_worker)
    response = client.get(reverse("dashboard"))
    assert response["Cache-Control"] == "no-store, private"


def test_content_security_policy_with_nonce(cast, client):
    client.force_login(cast.partner_worker)
    response = client.get(reverse("dashboard"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    page = response.content.decode()
    assert f'nonce="{nonce}"' in page
    assert "onclick=" not in page and "onsubmit=" not in page


def test_sixth_bad_password_is_refused_even_when_correct(cast, client):
    cache.clear()
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": cast.partner_worker.email, "password": "fout-wachtwoord"})
    response = client.post(url, {"login": cast.partner_worker.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_logout_ends_the_session(cast, client):
    client.force_login(cast.partner_worker)
    key = client.session.session_key
    client.post(reverse("account_logout"))
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()


def test_password_change_ends_other_sessions(cast, client):
    from django.test import Client

    other = Client()
    other.force_login(cast.partner_worker)
    client.force_login(cast.partner_worker)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "Een-nieuw-wachtwoord-26",
            "password2": "Een-nieuw-wachtwoord-26",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200  # this one stays
    assert other.get(reverse("dashboard")).status_code == 302


def test_deactivated_people_are_logged_out(cast, client):
    client.force_login(cast.partner_worker)
    cast.partner_worker.is_active = False
    cast.partner_worker.save()
    assert client.get(reverse("dashboard")).status_code == 302


def test_login_rotates_the_session_key(cast, client):
    client.get(reverse("account_login"))
    before = client.cookies.get("sessionid")
    client.post(
        reverse("account_login"), {"login": cast.partner_worker.email, "password": PASSWORD}
    )
    assert client.cookies["sessionid"].value != (before.value if before else None)


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
