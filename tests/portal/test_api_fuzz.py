"""The API keeps its contract: schemathesis fuzzes every operation of the schema,
as anonymous and as each role of the cast, with an API token.

Checked: no server error, status codes, content types, headers and bodies as
documented, invalid input refused, valid input not refused for reasons the
schema does not state. Object ids in paths and bodies are replaced by real ones
of the fuzzed world (otherwise almost every case would be a 404), so requests
reach the services. Deterministic (derandomized) and small: a handful of
examples per operation and role.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

from partners.models import Agreement, Membership, Organisation
from portal.core import tokens
from referrals.cases import services as cases
from referrals.referrals import services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.referrals.conftest import client_data
from training.models import Registration, Session, SessionRequest, Venue

pytestmark = pytest.mark.django_db

EXAMPLES = 5

# Refusals that depend on the state of the data, not on the shape of the request:
# schemathesis already counts 409 among them; a stale If-Match (412) and a missing
# one where the object exists (428) are the same kind, and so is an Idempotency-Key
# sent before with another body (422): schemathesis repeats generated header values.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "412", "422", "428", "429"]
            }
        }
    }
)

SCHEMA = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/?format=json", get_wsgi_application(), config=CONFIG
)

ROLES = [
    "anonymous",
    "partner_worker",
    "partner_admin",
    "internal_worker",
    "social_worker",
    "coordinator",
    "org_admin",
    "other_social_worker",  # arrears team, but of another OCMW
    "platform_admin",  # Django admin, no memberships
    "outsider",
]


@pytest.fixture
def _same_connection():
    """Requests go through the real WSGI handler, which closes the database connection
    after each one; the test client avoids that, and so must we (the test's transaction
    lives on that connection)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(cast, make_referral, settings, _same_connection):
    """The cast with one object of every kind the API serves."""
    settings.PORTAL_API_TOKEN_RATE = "1000000/minute"
    Agreement.objects.filter(ocmw=cast.ocmw, partner=cast.partner).update(may_cohost=True)
    water = OrganisationFactory(name="Farys", kind=Organisation.Kind.WATER_COMPANY)
    referral = make_referral()
    acknowledged = make_referral(client=client_data(cast, full_name="Jan Peeters"))
    acknowledged = services.acknowledge_referral(
        acknowledged, actor=cast.social_worker, version=acknowledged.version
    )
    case = cases.open_case_from_referral(acknowledged, actor=cast.social_worker)
    cases.save_arrears(
        case,
        actor=cast.social_worker,
        version=None,
        changes={"water_company": water, "customer_number": "K-1", "amount_outstanding": "150.00"},
    )
    lac = cases.plan_lac_session(
        cast.ocmw, actor=cast.coordinator, on=timezone.localdate() + timedelta(days=20)
    )
    venue = Venue.objects.create(organisation=cast.partner, name="Grote zaal", capacity=30)
    starts = timezone.now().replace(microsecond=0) + timedelta(days=10)
    session = Session.objects.create(
        organisation=cast.ocmw,
        organising_team=cast.teams.watercel,
        title="Je waterfactuur lezen",
        topics="water_bill",
        audience="residents",
        language="nl",
        venue=venue,
        description="Samen lezen.",
        created_by=cast.coordinator,
        status=Session.Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=20,
    )
    registration = Registration.objects.create(
        session=session,
        organisation=cast.partner,
        kind="headcount",
        places=2,
        status="confirmed",
        registered_by=cast.partner_worker,
    )
    session_request = SessionRequest.objects.create(
        organisation=cast.partner,
        ocmw=cast.ocmw,
        topics="water_bill",
        audience="residents",
        preferred_from=timezone.localdate() + timedelta(days=30),
        preferred_until=timezone.localdate() + timedelta(days=60),
        expected_people=10,
        requested_by=cast.partner_worker,
    )
    # Someone each admin may remove, so DELETE /memberships/ can succeed without
    # taking a fuzzed person out of the cast.
    spare = {
        org.pk: MembershipFactory(team=team, user=UserFactory()).pk
        for org, team in [(cast.ocmw, cast.teams.onthaal), (cast.partner, cast.teams.partner)]
    }
    return {
        "cast": cast,
        "paths": {
            "/api/v1/agreements/": Agreement.objects.get(partner=cast.partner).pk,
            "/api/v1/referrals/": referral.pk,
            "/api/v1/cases/": case.pk,
            "/api/v1/lac-sessions/": lac.pk,
            "/api/v1/sessions/": session.pk,
            "/api/v1/session-registrations/": registration.pk,
            "/api/v1/session-requests/": session_request.pk,
            "/api/v1/venues/": venue.pk,
        },
        "body": {
            "postcode": cast.postcode.pk,
            "ocmw": cast.ocmw.pk,
            "other": cast.other_partner.pk,
            "to_team": cast.teams.onthaal.pk,
            "worker": cast.social_worker.pk,
            "water_company": water.pk,
            "venue": venue.pk,
            "organising_team": cast.teams.watercel.pk,
            "session": session.pk,
            "registration": registration.pk,
            "cohosts": cast.partner.pk,
        },
        "municipality": cast.municipality.pk,
        "spare": spare,
    }


def _ids_for(world, person) -> dict:
    """The ids a person would use: their own organisation and team."""
    membership = (
        Membership.objects.filter(user=person).select_related("team").order_by("pk").first()
        if person
        else None
    )
    organisation = membership.team.organisation_id if membership else world["cast"].partner.pk
    team = membership.team_id if membership else world["cast"].teams.partner.pk
    return {
        "path": {
            **world["paths"],
            "/api/v1/organisations/": organisation,
            "/api/v1/teams/": team,
            "/api/v1/memberships/": world["spare"].get(organisation, 0),
        },
        "body": {
            **world["body"],
            "organisation": organisation,
            "proposer": organisation,
            "team": team,
        },
        "municipality": world["municipality"],
    }


def _replace(data, ids: dict) -> None:
    """In place: integer ids under known keys (also nested, also lists) become real ones.
    Values of another type (the negative cases) stay as generated."""
    for key, value in data.items():
        if isinstance(value, dict):
            _replace(value, ids)
        elif key not in ids:
            continue
        elif isinstance(value, int) and not isinstance(value, bool):
            data[key] = ids[key]
        elif isinstance(value, list) and value and all(type(v) is int for v in value):
            data[key] = [ids[key]]


def _use_real_ids(case, ids) -> None:
    path = case.path_parameters
    if isinstance(path, dict) and type(path.get("id")) is int:
        for prefix, pk in ids["path"].items():
            if case.operation.path.startswith(prefix):
                path["id"] = pk
                break
    if isinstance(case.body, dict):
        _replace(case.body, ids["body"])
    if isinstance(case.query, dict) and "municipality" in case.query:
        case.query["municipality"] = ids["municipality"]


def _fuzz(operation, headers, ids) -> None:
    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        _use_real_ids(case, ids)
        case.call_and_validate(headers=headers)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_keeps_the_contract(world, role):
    person = None if role == "anonymous" else getattr(world["cast"], role)
    headers = {}
    if person is not None:
        _token, secret = tokens.create_token(
            actor=person, name="fuzz", scope="write", expires_at=timezone.now() + timedelta(days=1)
        )
        headers = {"Authorization": f"Bearer {secret}"}
    ids = _ids_for(world, person)
    failures = []
    for result in SCHEMA.get_all_operations():
        operation = result.ok()
        try:
            _fuzz(operation, headers, ids)
        except (Exception, BaseExceptionGroup) as failure:  # all of them, not only the first
            failures.append(f"{operation.method.upper()} {operation.path}\n{failure}")
    assert not failures, "\n\n".join(failures)
