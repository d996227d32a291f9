"""The permission matrix of the REST API: every operation of the OpenAPI schema ×
every role of the cast.

The operations come from drf-spectacular's schema, so an endpoint cannot escape:
``test_every_operation_has_a_row`` fails until a new operation has a row here.

Every row sends a valid request (a body that would succeed for someone who may),
so a refusal comes from the access check, not from input validation. Changes are
made inside a savepoint and undone; for everyone who is refused the test also
proves that nothing was written to the database (no INSERT, UPDATE or DELETE).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.security import audiences as a
from tests.security.audiences import ROLES
from tests.security.helpers import (
    READERS,
    client_of,
    openapi_schema,
    sent_after_commit,
    shows_hidden_arrears,
    undone,
    writes,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


def api(ok=(), *, seen=(), status=200):
    """Like ``audiences.audience``; anonymous API calls get 403 ("not_authenticated")."""
    return a.audience(ok, seen=seen, status=status, anonymous=403)


@dataclass(frozen=True)
class Op:
    method: str
    path: str  # as in the schema
    expect: dict
    id: Callable = lambda w: None  # the object in the path
    body: Callable = lambda w: None
    query: Callable = lambda w: ""
    label: str = ""

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def test_id(self) -> str:
        return f"{self.key}[{self.label}]" if self.label else self.key

    def url(self, world) -> str:
        path = API + self.path.replace("{id}", str(self.id(world)))
        query = self.query(world)
        return f"{path}?{query}" if query else path


def soon(days=10):
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0).isoformat()


def today(days=0):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def session_body(w, **extra):
    start = timezone.now().replace(microsecond=0) + timedelta(days=14)
    return {
        "title": "Water besparen",
        "topics": ["saving"],
        "audience": "residents",
        "language": "nl",
        "venue": w.venue.pk,
        "organising_team": w.teams.watercel.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "capacity": 12,
        "description": "Hoe u water en geld bespaart.",
        **extra,
    }


def referral_body(w, team, postcode=None):
    return {
        "team": team,
        "client": {
            "full_name": "Nadia Peeters",
            "street": "Kerkstraat 1",
            "postcode": (postcode or w.postcode).pk,
            "phone": "0470 00 00 00",
        },
        "consent": {
            "share_details": True,
            "ocmw_may_contact": True,
            "feedback": "status",
            "method": "spoken",
            "given_by": "Nadia Peeters",
        },
        "reason": "water",
        "description": "Factuur niet betaald.",
    }


def referral(w):
    return w.referral.pk


def version(obj):
    return lambda w: {"version": getattr(w, obj).version}


RECEIVERS = a.ARREARS_AALST  # the watercel receives the partner's water referrals
ORG_ADMIN_OF_PARTNER = api({"partner_admin"}, seen=a.PARTNER)

OPS = [
    # partners: the directory, organisations, teams, members, agreements ----------------------
    Op("GET", "/organisations/", api(a.LOGGED_IN)),
    Op("GET", "/organisations/{id}/", api(a.LOGGED_IN), lambda w: w.other_ocmw.pk),
    Op(
        "PATCH",
        "/organisations/{id}/",
        ORG_ADMIN_OF_PARTNER,
        lambda w: w.partner.pk,
        lambda w: {"version": w.partner.version, "phone": "053 00 00 00"},
    ),
    Op(
        "PATCH",
        "/organisations/{id}/",
        api({"org_admin"}, seen=a.OCMW),
        lambda w: w.ocmw.pk,
        lambda w: {"version": w.ocmw.version, "phone": "053 11 11 11"},
        label="ocmw",
    ),
    Op("GET", "/organisations/{id}/members/", ORG_ADMIN_OF_PARTNER, lambda w: w.partner.pk),
    Op(
        "POST",
        "/organisations/{id}/members/",
        api({"partner_admin"}, seen=a.PARTNER, status=202),
        lambda w: w.partner.pk,
        lambda w: {"full_name": "Tine", "email": "tine@example.org", "team": w.teams.partner.pk},
    ),
    Op("GET", "/organisations/{id}/teams/", ORG_ADMIN_OF_PARTNER, lambda w: w.partner.pk),
    Op(
        "POST",
        "/organisations/{id}/teams/",
        api({"partner_admin"}, seen=a.PARTNER, status=201),
        lambda w: w.partner.pk,
        lambda w: {"name": "Onthaalteam"},
    ),
    Op(
        "PATCH",
        "/teams/{id}/",
        ORG_ADMIN_OF_PARTNER,
        lambda w: w.teams.partner.pk,
        lambda w: {"version": w.teams.partner.version, "name": "Vrijwilligersploeg"},
    ),
    Op(
        "DELETE",
        "/memberships/{id}/",
        api({"partner_admin"}, seen=a.PARTNER, status=204),
        lambda w: w.membership.pk,
    ),
    Op("GET", "/agreements/", api(a.LOGGED_IN)),
    Op("GET", "/agreements/{id}/", api(a.PARTNER | a.OCMW), lambda w: w.agreement.pk),
    Op(
        "POST",
        "/agreements/",
        api({"coordinator"}, seen=a.OCMW, status=201),
        body=lambda w: {"proposer": w.ocmw.pk, "other": w.other_partner.pk, "valid_from": today()},
    ),
    # Only the other side confirms a proposal, and nobody of the cast manages
    # the other OCMW's agreements.
    Op(
        "POST",
        "/agreements/{id}/confirm/",
        api(seen=a.PARTNER | a.ARREARS_DENDERMONDE),
        lambda w: w.proposal.pk,
    ),
    Op(
        "POST",
        "/agreements/{id}/end/",
        api({"partner_admin", "coordinator"}, seen=a.PARTNER | a.OCMW),
        lambda w: w.agreement.pk,
        lambda w: {"reason": "Samenwerking stopt."},
    ),
    # referrals -----------------------------------------------------------------------------
    Op("GET", "/referrals/sent/", api(a.LOGGED_IN)),
    Op("GET", "/referrals/inbox/", api(a.LOGGED_IN)),
    Op("GET", "/referrals/{id}/", api(a.PARTNER | RECEIVERS), referral),
    Op("GET", "/referrals/{id}/", api(a.PARTNER), lambda w: w.draft.pk, label="draft"),
    Op(
        "GET",
        "/referrals/{id}/",
        api({"internal_worker", "onthaal_worker"}),
        lambda w: w.internal_referral.pk,
        label="internal",
    ),
    Op(
        "POST",
        "/referrals/",
        api(a.PARTNER, status=201),
        body=lambda w: referral_body(w, w.teams.partner.pk),
    ),
    # The draft has no consent yet: its referrer may try, the service refuses (409).
    Op(
        "POST",
        "/referrals/{id}/submit/",
        api(a.PARTNER, status=409),
        lambda w: w.draft.pk,
        version("draft"),
    ),
    Op(
        "POST",
        "/referrals/{id}/acknowledge/",
        api(RECEIVERS, seen=a.PARTNER),
        lambda w: w.referral2.pk,
        version("referral2"),
    ),
    # The coordinator of the receiving team assigns the work.
    Op(
        "POST",
        "/referrals/{id}/assign/",
        api({"coordinator"}, seen=a.PARTNER | {"social_worker"}),
        referral,
        lambda w: {"version": w.referral.version, "worker": w.coordinator.pk},
    ),
    Op(
        "POST",
        "/referrals/{id}/contact/",
        api(RECEIVERS, seen=a.PARTNER),
        referral,
        lambda w: {"version": w.referral.version, "message": "Gebeld.", "share": True},
    ),
    Op(
        "POST",
        "/referrals/{id}/appointment/",
        api(RECEIVERS, seen=a.PARTNER),
        referral,
        lambda w: {"version": w.referral.version, "at": soon(), "place": "Sociaal Huis"},
    ),
    Op(
        "POST",
        "/referrals/{id}/close/",
        api(RECEIVERS, seen=a.PARTNER),
        referral,
        lambda w: {"version": w.referral.version, "outcome": "helped"},
    ),
    Op(
        "POST",
        "/referrals/{id}/refuse/",
        api(RECEIVERS, seen=a.PARTNER),
        lambda w: w.referral2.pk,
        lambda w: {"version": w.referral2.version, "reason": "already_known"},
    ),
    # After a transfer to the onthaal the watercel no longer sees the referral: 204.
    Op(
        "POST",
        "/referrals/{id}/transfer/",
        api(RECEIVERS, seen=a.PARTNER, status=204),
        lambda w: w.referral2.pk,
        lambda w: {"version": w.referral2.version, "to_team": w.teams.onthaal.pk},
    ),
    Op(
        "POST",
        "/referrals/{id}/withdraw/",
        api(a.PARTNER, seen=RECEIVERS),
        referral,
        lambda w: {"version": w.referral.version, "message": "De cliënt wil niet meer."},
    ),
    Op(
        "POST",
        "/referrals/{id}/withdraw-consent/",
        api(a.PARTNER, seen=RECEIVERS),
        referral,
        lambda w: {"version": w.referral.version},
    ),
    Op(
        "POST",
        "/referrals/{id}/messages/",
        api(a.PARTNER | RECEIVERS),
        referral,
        lambda w: {"text": "Zij komt dinsdag mee.", "visible_to_referrer": True},
    ),
    # cases, arrears and LAC sessions: the arrears team of the owning OCMW only -------------
    Op("GET", "/cases/", api(a.LOGGED_IN)),
    Op("GET", "/cases/{id}/", api(a.ARREARS_AALST), lambda w: w.case.pk),
    Op(
        "GET",
        "/cases/{id}/",
        api(a.ARREARS_DENDERMONDE),
        lambda w: w.other_case.pk,
        label="other",
    ),
    Op("GET", "/cases/{id}/arrears/", api(a.ARREARS_AALST), lambda w: w.case.pk),
    Op(
        "GET",
        "/cases/{id}/arrears/",
        api(a.ARREARS_DENDERMONDE),
        lambda w: w.other_case.pk,
        label="other",
    ),
    Op(
        "PUT",
        "/cases/{id}/arrears/",
        api(a.ARREARS_AALST),
        lambda w: w.case.pk,
        lambda w: {
            "version": w.case.arrears.version,
            "water_company": w.case.arrears.water_company_id,
            "customer_number": "FA-1",
            "amount_outstanding": "10.00",
        },
    ),
    Op(
        "PUT",
        "/cases/{id}/arrears/",
        api(a.ARREARS_DENDERMONDE),
        lambda w: w.other_case.pk,
        lambda w: {
            "version": w.other_case.arrears.version,
            "water_company": w.other_case.arrears.water_company_id,
            "customer_number": "DW-1",
            "amount_outstanding": "10.00",
        },
        label="other",
    ),
    Op("GET", "/lac-sessions/", api(a.LOGGED_IN)),
    Op("GET", "/lac-sessions/{id}/", api(a.ARREARS_AALST), lambda w: w.lac_session.pk),
    Op(
        "GET",
        "/lac-sessions/{id}/",
        api(a.ARREARS_DENDERMONDE),
        lambda w: w.other_lac_session.pk,
        label="other",
    ),
    # information sessions ---------------------------------------------------------------------
    Op("GET", "/sessions/", api(a.LOGGED_IN)),
    Op("GET", "/sessions/{id}/", api(a.MEMBERS), lambda w: w.session.pk),
    Op(
        "GET",
        "/sessions/{id}/",
        api(a.ORGANISER | a.COHOST),
        lambda w: w.draft_session.pk,
        label="draft",
    ),
    Op(
        "GET",
        "/sessions/figures/",
        api({"coordinator"}, seen=a.OCMW),
        query=lambda w: f"organisation={w.ocmw.pk}&year={timezone.localdate().year}",
    ),
    Op(
        "POST",
        "/sessions/",
        api({"coordinator"}, seen=a.OCMW, status=201),
        body=lambda w: session_body(w, organisation=w.ocmw.pk),
    ),
    Op(
        "PATCH",
        "/sessions/{id}/",
        api({"coordinator"}, seen=a.MEMBERS),
        lambda w: w.session.pk,
        lambda w: {"version": w.session.version, "title": "Je waterfactuur begrijpen"},
    ),
    Op(
        "PATCH",
        "/sessions/{id}/practical/",
        api({"coordinator"} | a.COHOST, seen=a.MEMBERS),
        lambda w: w.session.pk,
        lambda w: {"version": w.session.version, "practical_info": "Koffie vanaf 13.30."},
    ),
    Op(
        "POST",
        "/sessions/{id}/publish/",
        api({"coordinator"}, seen=a.ORGANISER | a.COHOST),
        lambda w: w.draft_session.pk,
    ),
    Op(
        "POST",
        "/sessions/{id}/cancel/",
        api({"coordinator"}, seen=a.MEMBERS),
        lambda w: w.session.pk,
        lambda w: {"reason": "De zaal is niet vrij."},
    ),
    Op(
        "POST",
        "/sessions/{id}/attendance/",
        api(a.ORGANISER, seen=a.MEMBERS),
        lambda w: w.past_session.pk,
        lambda w: {"total": 9},
    ),
    Op(
        "POST",
        "/sessions/{id}/evaluation/",
        api(a.PARTNER, status=204),
        lambda w: w.past_session.pk,
        lambda w: {"organisation": w.partner.pk, "useful": "yes"},
    ),
    Op("GET", "/session-registrations/", api(a.LOGGED_IN)),
    Op(
        "GET",
        "/session-registrations/{id}/",
        api(a.ORGANISER | a.COHOST),
        lambda w: w.registration.pk,
    ),
    Op(
        "POST",
        "/session-registrations/",
        api(a.PARTNER, status=201),
        body=lambda w: {
            "session": w.session.pk,
            "organisation": w.partner.pk,
            "kind": "headcount",
            "places": 2,
        },
    ),
    Op(
        "POST",
        "/session-registrations/{id}/cancel/",
        api(a.ORGANISER | a.COHOST),
        lambda w: w.registration.pk,
    ),
    Op("GET", "/session-requests/", api(a.LOGGED_IN)),
    Op(
        "GET",
        "/session-requests/{id}/",
        api({"coordinator"} | a.PARTNER),
        lambda w: w.session_request.pk,
    ),
    Op(
        "POST",
        "/session-requests/",
        api(a.PARTNER, status=201),
        body=lambda w: {
            "organisation": w.partner.pk,
            "ocmw": w.ocmw.pk,
            "topics": ["lac"],
            "audience": "residents",
            "preferred_from": today(20),
            "preferred_until": today(50),
            "expected_people": 6,
        },
    ),
    Op(
        "POST",
        "/session-requests/{id}/plan/",
        api({"coordinator"}, seen=a.PARTNER, status=201),
        lambda w: w.session_request.pk,
        lambda w: session_body(w),
    ),
    Op(
        "POST",
        "/session-requests/{id}/decline/",
        api({"coordinator"}, seen=a.PARTNER),
        lambda w: w.session_request.pk,
        lambda w: {"reason": "Geen zaal vrij in die periode."},
    ),
    Op(
        "POST",
        "/session-requests/{id}/withdraw/",
        api(a.PARTNER, seen={"coordinator"}),
        lambda w: w.session_request.pk,
    ),
    Op("GET", "/venues/", api(a.LOGGED_IN)),
    Op("GET", "/venues/{id}/", api(a.MEMBERS), lambda w: w.venue.pk),
    Op(
        "POST",
        "/venues/",
        api({"partner_admin"}, seen=a.PARTNER, status=201),
        body=lambda w: {"organisation": w.partner.pk, "name": "Kleine zaal", "capacity": 8},
    ),
    Op(
        "PATCH",
        "/venues/{id}/",
        api({"partner_admin"}, seen=a.PARTNER),
        lambda w: w.venue.pk,
        lambda w: {"version": w.venue.version, "capacity": 18},
    ),
]


def schema_operations() -> set[str]:
    schema = openapi_schema()
    return {
        f"{method.upper()} {path.removeprefix(API)}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_operation_has_a_row():
    """A new endpoint fails here until it gets a row."""
    assert schema_operations() - {op.key for op in OPS} == set()


def test_every_row_is_an_operation():
    assert {op.key for op in OPS} - schema_operations() == set()


def _request(client, op, world):
    body = op.body(world)
    if op.method == "GET":
        return client.get(op.url(world), HTTP_ACCEPT="application/json")
    return client.generic(
        op.method,
        op.url(world),
        data="{}" if body is None else json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.test_id)
def test_operation(world, op):
    """The expected answer for every role; no answer shows arrears the role may not
    read; a refusal writes nothing; what an accepted change sends out (e-mails after
    the commit, webhooks) carries no arrears at all."""
    answers, changed = {}, {}
    mail.outbox = []
    for role in ROLES:
        client = client_of(world, role)
        with undone(), writes() as written, sent_after_commit() as webhook_bodies:
            response = _request(client, op, world)
        answers[role] = response.status_code
        if leaked := shows_hidden_arrears(role, response):
            answers[role] = f"{response.status_code} showing arrears: {leaked}"
        if op.expect[role] >= 400 and written:
            changed[role] = written
    assert answers == op.expect, op.url(world)
    assert changed == {}, f"{op.key}: refused, yet written"
    sent = [f"{m.subject}\n{m.body}" for m in mail.outbox] + webhook_bodies
    assert [text for text in sent if any(s.found_in(text) for s in READERS)] == []
