"""Creating or changing something cannot point at another organisation's objects.

The ids in a request body (a team, an organisation, a venue, a worker) are
checked like the ids in a URL: a referral cannot be sent on behalf of another
organisation's team, an agreement cannot be proposed for an organisation you do
not manage, a session cannot be planned for another OCMW, an admin cannot reach
into another organisation's teams or give a team access to arrears. Each refusal
writes nothing at all.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.security.helpers import client_of, fingerprint, writes
from tests.security.test_api_matrix import referral_body, session_body, today

pytestmark = pytest.mark.django_db


def send(client, method, url, body=None):
    return client.generic(
        method, url, json.dumps(body or {}), content_type="application/json"
    ).status_code


def assert_refused(world, role, method, url, body, expected):
    """404 and 403 come before any write; a 409 may come after work the service
    then rolled back, so there the test compares every row before and after."""
    client = client_of(world, role)
    before = fingerprint() if expected == 409 else None
    with writes() as written:
        status = send(client, method, url, body)
    if before is not None:
        written = [] if fingerprint() == before else ["the database changed"]
    assert (status, written) == (expected, []), (role, method, url, body)


API_CASES = {
    "referral on behalf of another organisation's team": (
        "partner_worker",
        "POST",
        lambda w: "/api/v1/referrals/",
        lambda w: referral_body(w, w.teams.other_partner.pk),
        404,
    ),
    "referral on behalf of the OCMW's own arrears team": (
        "partner_worker",
        "POST",
        lambda w: "/api/v1/referrals/",
        lambda w: referral_body(w, w.teams.watercel.pk),
        404,
    ),
    "referral to an OCMW without an agreement": (
        "partner_worker",
        "POST",
        lambda w: "/api/v1/referrals/",
        lambda w: referral_body(w, w.teams.partner.pk, postcode=w.other_postcode),
        409,
    ),
    "agreement proposed for an organisation you are not in": (
        "partner_admin",
        "POST",
        lambda w: "/api/v1/agreements/",
        lambda w: {"proposer": w.ocmw.pk, "other": w.other_partner.pk, "valid_from": today()},
        404,
    ),
    "agreement proposed by a member who does not manage agreements": (
        "org_admin",
        "POST",
        lambda w: "/api/v1/agreements/",
        lambda w: {"proposer": w.ocmw.pk, "other": w.other_partner.pk, "valid_from": today()},
        403,
    ),
    "session planned for another OCMW": (
        "coordinator",
        "POST",
        lambda w: "/api/v1/sessions/",
        lambda w: session_body(w, organisation=w.other_ocmw.pk),
        404,
    ),
    "session organised by another OCMW's team": (
        "coordinator",
        "POST",
        lambda w: "/api/v1/sessions/",
        lambda w: session_body(
            w, organisation=w.ocmw.pk, organising_team=w.teams.other_watercel.pk
        ),
        409,
    ),
    "session in the venue of a partner without an agreement": (
        "coordinator",
        "POST",
        lambda w: "/api/v1/sessions/",
        lambda w: session_body(w, organisation=w.ocmw.pk, venue=w.other_partner_venue.pk),
        409,
    ),
    "session co-hosted by a partner without an agreement": (
        "coordinator",
        "PATCH",
        lambda w: f"/api/v1/sessions/{w.session.pk}/",
        lambda w: {"version": w.session.version, "cohosts": [w.other_partner.pk]},
        409,
    ),
    "team of another organisation changed": (
        "partner_admin",
        "PATCH",
        lambda w: f"/api/v1/teams/{w.teams.watercel.pk}/",
        lambda w: {"version": w.teams.watercel.version, "name": "Overgenomen"},
        404,
    ),
    "organisation admin opens arrears to a team": (
        "org_admin",
        "PATCH",
        lambda w: f"/api/v1/teams/{w.teams.beheer.pk}/",
        lambda w: {"version": w.teams.beheer.version, "handles_arrears": True},
        403,
    ),
    "member invited into another organisation's team": (
        "org_admin",
        "POST",
        lambda w: f"/api/v1/organisations/{w.ocmw.pk}/members/",
        lambda w: {"full_name": "X", "email": "x@example.org", "team": w.teams.partner.pk},
        404,
    ),
    "member of another organisation removed": (
        "org_admin",
        "DELETE",
        lambda w: f"/api/v1/memberships/{w.membership.pk}/",
        lambda w: None,
        404,
    ),
    "people registered on behalf of another organisation": (
        "partner_worker",
        "POST",
        lambda w: "/api/v1/session-registrations/",
        lambda w: {
            "session": w.session.pk,
            "organisation": w.other_partner.pk,
            "kind": "headcount",
            "places": 1,
        },
        404,
    ),
    "session requested on behalf of another organisation": (
        "partner_worker",
        "POST",
        lambda w: "/api/v1/session-requests/",
        lambda w: {
            "organisation": w.other_partner.pk,
            "ocmw": w.ocmw.pk,
            "topics": ["lac"],
            "audience": "residents",
            "preferred_from": today(20),
            "preferred_until": today(40),
            "expected_people": 5,
        },
        404,
    ),
    "session requested from an OCMW without an agreement": (
        "partner_worker",
        "POST",
        lambda w: "/api/v1/session-requests/",
        lambda w: {
            "organisation": w.partner.pk,
            "ocmw": w.other_ocmw.pk,
            "topics": ["lac"],
            "audience": "residents",
            "preferred_from": today(20),
            "preferred_until": today(40),
            "expected_people": 5,
        },
        403,
    ),
    "venue added to another organisation": (
        "partner_admin",
        "POST",
        lambda w: "/api/v1/venues/",
        lambda w: {"organisation": w.ocmw.pk, "name": "Zaal", "capacity": 10},
        404,
    ),
    "evaluation on behalf of another organisation": (
        "partner_worker",
        "POST",
        lambda w: f"/api/v1/sessions/{w.past_session.pk}/evaluation/",
        lambda w: {"organisation": w.other_partner.pk, "useful": "yes"},
        404,
    ),
    "arrears of another OCMW's case written": (
        "social_worker",
        "PUT",
        lambda w: f"/api/v1/cases/{w.other_case.pk}/arrears/",
        lambda w: {
            "version": w.other_case.arrears.version,
            "water_company": w.other_case.arrears.water_company_id,
            "customer_number": "X",
            "amount_outstanding": "1.00",
        },
        404,
    ),
    "referral transferred to a partner's team": (
        "social_worker",
        "POST",
        lambda w: f"/api/v1/referrals/{w.referral.pk}/transfer/",
        lambda w: {"version": w.referral.version, "to_team": w.teams.partner.pk},
        409,
    ),
    "referral assigned to someone outside the receiving team": (
        "coordinator",
        "POST",
        lambda w: f"/api/v1/referrals/{w.referral.pk}/assign/",
        lambda w: {"version": w.referral.version, "worker": w.partner_worker.pk},
        409,
    ),
}


@pytest.mark.parametrize("case", API_CASES.values(), ids=API_CASES.keys())
def test_api_refuses_objects_of_others(world, case):
    role, method, url, body, expected = case
    assert_refused(world, role, method, url(world), body(world), expected)


def post_page(world, role, url, data):
    """Post a form; the status, and whether nothing was written."""
    client = client_of(world, role)
    with writes() as written:
        response = client.post(url, data)
    return response.status_code, written == []


def test_referral_form_refuses_another_organisations_team(world):
    data = {
        "client-full_name": "Nadia Peeters",
        "client-street": "Kerkstraat 1",
        "client-postcode": world.postcode.pk,
        "client-language": "nl",
        "client-preferred_channel": "phone",
        "referral-team": world.teams.other_partner.pk,
        "referral-reason": "water",
        "referral-description": "Factuur niet betaald.",
        "referral-contact_via": "direct",
        "consent-share_details": "on",
        "consent-ocmw_may_contact": "on",
        "consent-feedback": "status",
        "consent-method": "spoken",
        "consent-given_by": "Nadia Peeters",
        "submit": "1",
    }
    status, unchanged = post_page(world, "partner_worker", reverse("referral_new"), data)
    assert (status, unchanged) == (200, True)


def test_case_cannot_be_assigned_to_another_ocmws_worker(world):
    url = reverse("case_action", args=[world.case.pk, "assign"])
    data = {"worker": world.other_social_worker.pk, "version": world.case.version}
    assert post_page(world, "coordinator", url, data) == (302, True)


def test_attempt_cannot_name_a_partner_without_agreement(world):
    url = reverse("attempt_new", args=[world.case.pk])
    moment = timezone.localtime().replace(second=0, microsecond=0) - timedelta(hours=1)
    data = {
        "channel": "via_partner",
        "outcome": "reached",
        "moment": moment.strftime("%Y-%m-%dT%H:%M"),
        "partner": world.other_partner.pk,
    }
    assert post_page(world, "social_worker", url, data) == (200, True)


def test_home_visit_cannot_take_a_second_worker_from_outside_the_team(world):
    url = reverse("visit_new", args=[world.case.pk])
    start = timezone.localtime().replace(second=0, microsecond=0) + timedelta(hours=2)
    data = {
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "announced": "on",
        "second_worker": world.partner_worker.pk,
    }
    assert post_page(world, "social_worker", url, data) == (200, True)


def test_session_cannot_be_planned_for_another_ocmw_on_the_page(world):
    url = reverse("session_create") + f"?organisation={world.other_ocmw.pk}"
    assert post_page(world, "coordinator", url, {})[0] == 404


def test_agreement_page_refuses_an_organisation_you_do_not_manage(world):
    url = reverse("agreement_propose", args=[world.ocmw.pk])
    data = {"other": world.other_partner.pk, "may_refer": "on", "valid_from": today()}
    assert post_page(world, "partner_admin", url, data) == (404, True)


def test_team_page_refuses_arrears_for_an_admin(world):
    """The team form has no arrears switch: posting one changes nothing."""
    url = reverse("team_edit", args=[world.ocmw.pk, world.teams.beheer.pk])
    data = {"name": "Beheer", "handles_arrears": "on", "version": world.teams.beheer.version}
    client = client_of(world, "org_admin")
    client.post(url, data)
    world.teams.beheer.refresh_from_db()
    assert world.teams.beheer.handles_arrears is False
