"""A token keeps to the two-step rule of the browser (DESIGN.md: arrears only with
two-step login). The finding: a reception worker moved into the arrears team without
an authenticator read arrears with an old token, and a token kept working after its
owner's authenticator was deleted."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from partners import services as partner_services
from portal.core.models import ApiToken, AuditEntry
from tests.portal.conftest import bearer

pytestmark = pytest.mark.django_db
API = "/api/v1"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def two_step_enforced(settings):
    settings.PORTAL_ENFORCE_MFA = True


def _join_arrears_team(cast, user):
    partner_services.add_membership(cast.teams.watercel, user, actor=cast.org_admin)


def test_a_token_of_someone_who_now_needs_two_step_login_stops_working(cast, client, make_token):
    worker = cast.onthaal_worker
    _token, secret = make_token(worker, scope="read")
    assert client.get(f"{API}/cases/", **bearer(secret)).status_code == 200
    _join_arrears_team(cast, worker)
    response = client.get(f"{API}/cases/", **bearer(secret), **EN)
    assert response.status_code == 401
    assert "two-step login" in response.json()["detail"]


def test_the_token_works_again_once_an_authenticator_is_set_up(cast, client, make_token):
    worker = cast.onthaal_worker
    _token, secret = make_token(worker, scope="read")
    _join_arrears_team(cast, worker)
    TOTP.activate(worker, SECRET)
    assert client.get(f"{API}/cases/", **bearer(secret)).status_code == 200


def test_removing_the_authenticator_revokes_the_tokens(cast, client, make_token):
    worker = cast.social_worker
    TOTP.activate(worker, SECRET)
    token, secret = make_token(worker, scope="read")
    assert client.get(f"{API}/cases/", **bearer(secret)).status_code == 200
    Authenticator.objects.filter(user=worker, type=Authenticator.Type.TOTP).delete()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(f"{API}/cases/", **bearer(secret)).status_code == 401
    entry = AuditEntry.objects.get(action="api_token.revoked_all", object_id=str(worker.pk))
    assert entry.data == {"reason": "authenticator removed", "count": 1}


def test_a_person_without_the_need_keeps_their_token_without_an_authenticator(
    cast, client, make_token
):
    _token, secret = make_token(cast.partner_worker, scope="read")
    assert client.get(f"{API}/referrals/sent/", **bearer(secret)).status_code == 200
    assert ApiToken.objects.active().filter(user=cast.partner_worker).count() == 1


def test_the_two_step_check_reads_the_memberships_the_request_reads_anyway(
    cast, client, make_token
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worker = cast.social_worker
    TOTP.activate(worker, SECRET)
    _token, secret = make_token(worker, scope="read")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{API}/cases/", **bearer(secret)).status_code == 200
    reads = [q["sql"] for q in queries if 'FROM "partners_membership"' in q["sql"]]
    assert len(reads) == 1, reads
