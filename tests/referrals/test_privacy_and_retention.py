import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.core.models import AccessLog, AuditEntry
from referrals.cases import services as cases
from referrals.cases.models import Case, CaseNote
from referrals.outreach import services as outreach
from referrals.outreach.models import ContactAttempt
from referrals.privacy import retention
from referrals.referrals import services
from referrals.referrals.models import Client, Referral, RetentionPolicy
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
REQUEST = {"reference": "brief 2 december 2026", "purpose": "Inzage gevraagd door de cliënt"}


@pytest.fixture
def privacy_officer(cast):
    from partners.grants import sync_user_grants

    user = MembershipFactory(team=cast.teams.beheer, role="privacy").user
    sync_user_grants([user.pk])
    return user


@pytest.fixture
def closed_case(cast, referral):
    r = services.acknowledge_referral(referral, actor=cast.social_worker, version=referral.version)
    case = cases.open_case_from_referral(r, actor=cast.social_worker)
    cases.add_case_note(case, actor=cast.social_worker, text="Gevoelige nota")
    outreach.log_attempt(
        case, actor=cast.social_worker, channel="phone", outcome="reached", note="belde terug"
    )
    return case


def test_right_of_access_export_holds_everything_and_every_access(
    cast, client, closed_case, privacy_officer
):
    client.force_login(cast.social_worker)
    client.get(reverse("case_detail", args=[closed_case.pk]))
    client.force_login(privacy_officer)
    search = client.get(reverse("privacy_clients"), {"q": "maria"}).content.decode()
    assert "Maria Janssens" in search
    url = reverse("privacy_export", args=[closed_case.client_id])
    assert client.get(url).status_code == 200
    response = client.post(url, REQUEST)
    data = json.loads(response.content)
    assert data["client"]["full_name"] == "Maria Janssens"
    assert data["referrals"][0]["consent"]["given_by"] == "Maria Janssens"
    assert data["cases"][0]["notes"][0]["text"] == "Gevoelige nota"
    assert any(a["purpose"] == "case" and a["action"] == "read" for a in data["accesses"])
    log = AccessLog.objects.get(action="export", user=privacy_officer)
    assert log.purpose == "right of access brief 2 december 2026"
    entry = AuditEntry.objects.get(action="privacy.right_of_access")
    assert entry.data == REQUEST
    assert entry.actor == privacy_officer


def test_the_export_holds_the_arrears_of_the_ocmws_own_file(
    cast, client, closed_case, privacy_officer
):
    cases.save_arrears(
        closed_case,
        actor=cast.social_worker,
        version=None,
        changes={
            "water_company": OrganisationFactory(kind="water_company"),
            "customer_number": "FA-77",
            "amount_outstanding": 412,
        },
    )
    client.force_login(privacy_officer)
    response = client.post(reverse("privacy_export", args=[closed_case.client_id]), REQUEST)
    assert json.loads(response.content)["cases"][0]["arrears"]["customer_number"] == "FA-77"


def test_an_export_without_a_request_reference_is_not_made(client, closed_case, privacy_officer):
    client.force_login(privacy_officer)
    response = client.post(reverse("privacy_export", args=[closed_case.client_id]), {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert not AccessLog.objects.filter(action="export").exists()


def test_the_privacy_officer_must_use_two_step_login(
    settings, client, closed_case, privacy_officer
):
    settings.PORTAL_ENFORCE_MFA = True
    client.force_login(privacy_officer)
    response = client.get(reverse("privacy_export", args=[closed_case.client_id]))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.parametrize(
    "person", ["org_admin", "coordinator", "social_worker", "partner_admin", "outsider"]
)
def test_only_the_privacy_officer_exports(cast, client, closed_case, person):
    client.force_login(getattr(cast, person))
    assert client.get(reverse("privacy_clients")).status_code == 404
    assert client.get(reverse("privacy_export", args=[closed_case.client_id])).status_code == 404


def test_privacy_officer_of_another_ocmw_gets_nothing(cast, client, closed_case):
    from partners.grants import sync_user_grants

    other = MembershipFactory(team=cast.teams.other_watercel, role="privacy").user
    sync_user_grants([other.pk])
    client.force_login(other)
    assert client.get(reverse("privacy_export", args=[closed_case.client_id])).status_code == 404


def test_retention_pseudonymises_after_the_period_and_keeps_the_figures(cast, closed_case):
    referral = closed_case.referrals.get()
    referral = services.close_referral(
        Referral.objects.get(pk=referral.pk),
        actor=cast.social_worker,
        version=Referral.objects.get(pk=referral.pk).version,
        outcome="helped",
    )
    cases.close_case(
        closed_case, actor=cast.social_worker, version=Case.objects.get(pk=closed_case.pk).version
    )
    RetentionPolicy.objects.create(ocmw=cast.ocmw, referral_months=1, case_months=1)
    assert retention.due().referrals == []  # not yet past the period

    later = timezone.now() + timedelta(days=70)
    report = retention.due(now=later)
    assert report.referrals == [referral.pk]
    assert report.cases == [closed_case.pk]
    retention.apply(report)

    client = Client.objects.get(pk=closed_case.client_id)
    assert client.full_name.startswith("Gepseudonimiseerd") and client.phone == ""
    assert not CaseNote.objects.exists()
    attempt = ContactAttempt.objects.get()
    assert (attempt.channel, attempt.outcome, attempt.note) == ("phone", "reached", "")
    assert Referral.objects.get(pk=referral.pk).status == "closed"
    assert retention.due(now=later).referrals == []  # done once


def test_dry_run_changes_nothing(cast, closed_case, capsys):
    call_command("apply_retention", "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    assert Client.objects.get(pk=closed_case.client_id).full_name == "Maria Janssens"
