"""The shared cast of every test: one person per role, in two OCMWs and two partners."""

import random
import zlib
from types import SimpleNamespace

import factory.random
import pytest

from partners.grants import rebuild_grants
from partners.models import Membership, Organisation
from tests.factories import (
    AgreementFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PostcodeFactory,
    TeamFactory,
    UserFactory,
)
from tests.referrals.conftest import CONSENT, client_data, referral_data


def _reseed(name: str) -> None:
    seed = zlib.crc32(name.encode())
    factory.random.reseed_random(seed)
    random.seed(seed)


@pytest.fixture(autouse=True)
def _same_fake_data_every_run(request):
    """Faker and factory_boy draw from one seed per test, so a test sees the same names,
    whatever ran before it and in whichever worker: a failure can be run again."""
    _reseed(request.node.nodeid)


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef, request):
    """A fixture shared by several tests (the security world) is built when the first of
    them runs, before that test's own seed: give it a seed of its own as well."""
    if fixturedef.scope != "function":
        _reseed(f"{request.node.nodeid}::{fixturedef.argname}")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing with the real algorithm costs ~0.3 s per user; tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _mfa_not_enforced(settings):
    """Most tests log people in with force_login; enforcement has its own tests."""
    settings.PORTAL_ENFORCE_MFA = False


@pytest.fixture
def cast(db):
    """Two OCMWs, their teams, two partners (one with an agreement), and a person per role."""
    return build_cast()


def build_cast() -> SimpleNamespace:
    """The cast itself, for fixtures of a wider scope (see tests/security/conftest.py)."""
    municipality = MunicipalityFactory(nis_code="41002", name_nl="Aalst")
    postcode = PostcodeFactory(code="9300", name="Aalst", municipality=municipality)
    other_municipality = MunicipalityFactory(nis_code="42006", name_nl="Dendermonde")

    ocmw = OrganisationFactory(name="OCMW Aalst", kind=Organisation.Kind.OCMW, postcode=postcode)
    ocmw.serves.set([municipality])
    other_ocmw = OrganisationFactory(name="Sociaal Huis Dendermonde", kind=Organisation.Kind.OCMW)
    other_ocmw.serves.set([other_municipality])
    partner = OrganisationFactory(name="Buurthuis De Brug", postcode=postcode)
    other_partner = OrganisationFactory(
        name="Sociale kruidenier", kind=Organisation.Kind.SOCIAL_GROCERY
    )

    teams = SimpleNamespace(
        onthaal=TeamFactory(
            organisation=ocmw, name="Onthaal", receives_referrals=True, receives_general=True
        ),
        watercel=TeamFactory(
            organisation=ocmw,
            name="Energie- en watercel",
            receives_referrals=True,
            receives_water=True,
            receives_energy=True,
            handles_arrears=True,
            plans_sessions=True,
        ),
        opbouw=TeamFactory(organisation=ocmw, name="Samenlevingsopbouw", submits_referrals=True),
        beheer=TeamFactory(organisation=ocmw, name="Beheer"),
        other_watercel=TeamFactory(
            organisation=other_ocmw,
            name="Energie- en watercel",
            receives_referrals=True,
            handles_arrears=True,
        ),
        partner=TeamFactory(organisation=partner, name="Vrijwilligers", submits_referrals=True),
        other_partner=TeamFactory(
            organisation=other_partner, name="Winkelteam", submits_referrals=True
        ),
    )
    AgreementFactory(ocmw=ocmw, partner=partner, may_refer=True, may_be_named=True)

    def member(team, role=Membership.Role.MEMBER, **user_fields):
        return MembershipFactory(team=team, role=role, user=UserFactory(**user_fields)).user

    people = SimpleNamespace(
        partner_worker=member(teams.partner, email="partner@example.org"),
        partner_admin=member(teams.partner, Membership.Role.ADMIN),
        other_partner_worker=member(teams.other_partner),
        internal_worker=member(teams.opbouw, email="opbouw@example.org"),
        social_worker=member(teams.watercel, email="mw@example.org"),
        onthaal_worker=member(teams.onthaal),
        other_social_worker=member(teams.other_watercel),
        coordinator=member(teams.watercel, Membership.Role.COORDINATOR),
        org_admin=member(teams.beheer, Membership.Role.ADMIN, email="admin@example.org"),
        outsider=UserFactory(email="outsider@example.org"),
        platform_admin=UserFactory(is_staff=True),
    )
    rebuild_grants()
    return SimpleNamespace(
        ocmw=ocmw,
        other_ocmw=other_ocmw,
        partner=partner,
        other_partner=other_partner,
        municipality=municipality,
        postcode=postcode,
        other_postcode=PostcodeFactory(
            code="9200", name="Dendermonde", municipality=other_municipality
        ),
        teams=teams,
        **vars(people),
    )


def pytest_configure(config):
    """Between transactional tests Django empties every table with one TRUNCATE; the
    access log refuses that (migration portal 0006) unless the transaction says it is
    maintenance. The test database's flush says so; nothing else does."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    plain_flush = DatabaseOperations.sql_flush

    def flush_with_maintenance(self, style, tables, **kwargs):
        statements = plain_flush(self, style, tables, **kwargs)
        if statements:
            statements.insert(0, "SET LOCAL portal.access_log_maintenance = 'on'")
        return statements

    DatabaseOperations.sql_flush = flush_with_maintenance


def pytest_sessionstart(session):
    """Compile the .po files, so tests always see the translations in the tree."""
    from pathlib import Path

    from django.core.management import call_command
    from django.utils.translation.reloader import translation_file_changed

    call_command("compilemessages", ignore_patterns=[".venv", "*/site-packages/*"], verbosity=0)
    # Catalogues read before the .mo files existed are cached empty: forget them.
    translation_file_changed(sender=None, file_path=Path("compiled.mo"))


@pytest.fixture
def make_referral(cast):
    def make(*, actor=None, team=None, submit=True, consent=CONSENT, client=None, **referral):
        return _services().create_referral(
            actor=actor or cast.partner_worker,
            team=team or cast.teams.partner,
            client=client or client_data(cast),
            referral=referral_data(**referral),
            consent=consent,
            submit=submit,
        )

    return make


@pytest.fixture
def referral(make_referral):
    """A submitted water referral from the partner to OCMW Aalst's energie- en watercel."""
    return make_referral()


def _services():
    from referrals.referrals import services

    return services
