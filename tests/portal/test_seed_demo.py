import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from partners.models import (
    Agreement,
    Membership,
    Organisation,
    OrganisationGroupObjectPermission,
    OrganisationUserObjectPermission,
    Team,
)
from portal.core.models import User
from portal.management.commands.seed_demo import ACCOUNTS, DEMO_PASSWORD, PLATFORM_ADMIN

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        User.objects.count(),
        Organisation.objects.count(),
        Team.objects.count(),
        Membership.objects.count(),
        Agreement.objects.count(),
        OrganisationGroupObjectPermission.objects.count(),
        OrganisationUserObjectPermission.objects.count(),
    )


def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=None)
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first
    demo = Organisation.objects.exclude(kind="water_company")
    assert demo.count() == 5  # two OCMWs, three partners (water companies come with a migration)


def test_every_demo_account_logs_in_with_the_documented_password():
    call_command("seed_demo")
    for email, *_rest in [*ACCOUNTS, PLATFORM_ADMIN]:
        assert authenticate(email=email, password=DEMO_PASSWORD) is not None, email


def test_demo_world_has_the_teams_the_design_asks_for():
    call_command("seed_demo")
    for ocmw in Organisation.objects.filter(kind="ocmw"):
        teams = {t.name: t for t in ocmw.teams.all()}
        assert teams["Onthaal"].receives_referrals
        assert teams["Energie- en watercel"].handles_arrears
        assert not teams["Samenlevingsopbouw"].handles_arrears
    assert Agreement.objects.active().count() == 3


def test_demo_platform_admin_is_staff_but_not_superuser():
    call_command("seed_demo")
    admin = User.objects.get(email=PLATFORM_ADMIN[0])
    assert admin.is_staff
    assert not admin.is_superuser


def test_demo_accounts_that_need_two_step_login_have_it():
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from portal.management.commands.demo_totp import current_code

    call_command("seed_demo")
    needing = {
        "maatschappelijkwerker@example.org",
        "coordinator@example.org",
        "admin@example.org",
        "partner.admin@example.org",
        PLATFORM_ADMIN[0],
    }
    with_totp = set(Authenticator.objects.filter(type="totp").values_list("user__email", flat=True))
    assert needing <= with_totp
    assert "partner@example.org" not in with_totp
    totp = TOTP(Authenticator.objects.get(user__email="admin@example.org", type="totp"))
    assert totp.validate_code(current_code())


def test_seed_demo_refuses_in_production_unless_asked_and_says_why(settings):
    from django.core.management import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match=r"published in the README.*--in-production"):
        call_command("seed_demo")
    assert not User.objects.filter(email__endswith="@example.org").exists()


def test_seed_demo_in_production_on_purpose_queues_no_email(settings):
    """Its jobs run at once with mail dropped: no worker sends 35 real e-mails later."""
    from django_tasks_db.models import DBTaskResult

    settings.PRODUCTION = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("seed_demo", "--in-production")
    assert User.objects.filter(email="partner@example.org").exists()
    assert not DBTaskResult.objects.exists()
