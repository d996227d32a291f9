"""The permission matrix of the pages: every URL pattern × every role of the cast.

The URL patterns come from Django's resolver. Every named pattern has a row here
(or is in the API matrix, or in EXCLUDED with a reason), so a new URL cannot
escape: ``test_every_url_pattern_has_a_row`` fails until someone says who may use it.

Each row fills the URL with an object of the world (of the partner, of OCMW Aalst
or of the other OCMW) and names its audience (see ``audiences.py``). Every URL is
fetched with GET. Views that only accept POST answer 405 to a GET once the
visitor is logged in — before any lookup, the same for existing and missing
objects — so for those the POST table proves the access check: a refused person
gets 404 or 403 and nothing in the database changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security import audiences as a
from tests.security.audiences import ROLES
from tests.security.helpers import client_of, openapi_schema, shows_hidden_arrears, undone, writes

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Row:
    name: str
    args: Callable = lambda w: {}
    expect: dict = field(default_factory=dict)
    query: str = ""
    label: str = ""
    # Fetched for these roles only (the others are expected to get the same answer).
    roles: tuple = ROLES
    # POST-only views: the expected answer to a POST of ``data``.
    post: dict | None = None
    data: Callable = lambda w: {}

    @property
    def id(self) -> str:
        return f"{self.name}[{self.label}]" if self.label else self.name

    def url(self, world) -> str:
        return reverse(self.name, kwargs=self.args(world)) + (
            f"?{self.query(world)}" if self.query else ""
        )


def own(name, expect, args=lambda w: {}, **kw):
    """A row fetched with GET."""
    return Row(name, args, expect, **kw)


def post_only(name, ok, *, seen=(), args=lambda w: {}, data=lambda w: {}, status=302, label=""):
    """A POST-only view: GET answers 405; a POST (of ``data``, empty by default) is
    refused with 404 or 403 for everyone outside ``ok``."""
    post = a.audience(ok, seen=seen, status=status)
    return Row(name, args, a.post_only(post), post=post, data=data, label=label)


# Arguments taken from the world -----------------------------------------------------


def partner(w):
    return {"pk": w.partner.pk}


def ocmw(w):
    return {"pk": w.ocmw.pk}


def case(w):
    return {"pk": w.case.pk}


def other_case(w):
    return {"pk": w.other_case.pk}


def session(w):
    return {"pk": w.session.pk}


def letter_query(w):
    return f"template={w.template.pk}&appointment=dinsdag+10+uur"


ROWS = [
    # portal: the public entrance and the personal pages -------------------------------
    own("home", a.everyone(302)),
    # The load balancer's check: no login, no data.
    own("health", a.everyone(200)),
    own("health_live", a.everyone(200)),
    own("dashboard", a.ANY_LOGGED_IN),
    own("notifications", a.ANY_LOGGED_IN),
    own("invitation_accept", a.everyone(200), lambda w: {"token": w.invitation_token}),
    Row("invitation_accept", lambda w: {"token": "not-a-token"}, a.everyone(410), label="bad"),
    Row(
        "set_language",
        expect=a.everyone(405),
        post=a.everyone(302),
    ),
    own("api_tokens", a.ANY_LOGGED_IN),
    own("api_token_revoke", a.TOKEN_OWNER, lambda w: {"pk": w.partner_token.pk}),
    # portal: organisation admins (API tokens of members, webhooks) ---------------------
    own("organisation_api_tokens", a.ADMIN_OF_PARTNER, partner, label="partner"),
    own("organisation_api_tokens", a.ADMIN_OF_OCMW, ocmw, label="ocmw"),
    own(
        "organisation_api_token_revoke",
        a.ADMIN_OF_PARTNER,
        lambda w: {"pk": w.partner.pk, "token_pk": w.partner_token.pk},
        label="partner",
    ),
    own(
        "organisation_api_token_revoke",
        a.ADMIN_OF_OCMW_OTHERS_OBJECT,
        lambda w: {"pk": w.ocmw.pk, "token_pk": w.partner_token.pk},
        label="ocmw-admin-partner-token",
    ),
    own("webhooks", a.ADMIN_OF_PARTNER, partner, label="partner"),
    own("webhooks", a.ADMIN_OF_OCMW, ocmw, label="ocmw"),
    own(
        "webhook_detail",
        a.ADMIN_OF_PARTNER,
        lambda w: {"pk": w.partner.pk, "endpoint_pk": w.partner_endpoint.pk},
        label="partner",
    ),
    own(
        "webhook_detail",
        a.ADMIN_OF_OCMW_OTHERS_OBJECT,
        lambda w: {"pk": w.ocmw.pk, "endpoint_pk": w.partner_endpoint.pk},
        label="ocmw-admin-partner-endpoint",
    ),
    own(
        "webhook_rotate",
        a.ADMIN_OF_PARTNER,
        lambda w: {"pk": w.partner.pk, "endpoint_pk": w.partner_endpoint.pk},
    ),
    post_only(
        "webhook_toggle",
        {"partner_admin"},
        seen=a.PARTNER,
        args=lambda w: {"pk": w.partner.pk, "endpoint_pk": w.partner_endpoint.pk},
    ),
    post_only(
        "webhook_retry",
        {"partner_admin"},
        seen=a.PARTNER,
        args=lambda w: {
            "pk": w.partner.pk,
            "endpoint_pk": w.partner_endpoint.pk,
            "delivery_pk": w.failed_delivery.pk,
        },
    ),
    # partners: directory and profiles ----------------------------------------------------
    own("directory", a.ANY_LOGGED_IN),
    own("organisation_detail", a.ANY_LOGGED_IN, partner, label="partner"),
    own("organisation_detail", a.ANY_LOGGED_IN, lambda w: {"pk": w.other_ocmw.pk}, label="other"),
    own("organisation_edit", a.ADMIN_OF_PARTNER, partner, label="partner"),
    own("organisation_edit", a.ADMIN_OF_OCMW, ocmw, label="ocmw"),
    own("members", a.ADMIN_OF_PARTNER, partner, label="partner"),
    own("members", a.ADMIN_OF_OCMW, ocmw, label="ocmw"),
    own(
        "member_remove",
        a.ADMIN_OF_PARTNER,
        lambda w: {"pk": w.partner.pk, "membership_pk": w.membership.pk},
        label="partner",
    ),
    own(
        "member_remove",
        a.ADMIN_OF_OCMW_OTHERS_OBJECT,
        lambda w: {"pk": w.ocmw.pk, "membership_pk": w.membership.pk},
        label="ocmw-admin-partner-member",
    ),
    post_only(
        "invitation_revoke",
        {"partner_admin"},
        seen=a.PARTNER,
        args=lambda w: {"pk": w.partner.pk, "invitation_pk": w.invitation.pk},
    ),
    own("teams", a.ADMIN_OF_PARTNER, partner, label="partner"),
    own("teams", a.ADMIN_OF_OCMW, ocmw, label="ocmw"),
    own(
        "team_edit",
        a.ADMIN_OF_PARTNER,
        lambda w: {"pk": w.partner.pk, "team_pk": w.teams.partner.pk},
        label="partner",
    ),
    own(
        "team_edit",
        a.ADMIN_OF_OCMW_OTHERS_OBJECT,
        lambda w: {"pk": w.ocmw.pk, "team_pk": w.teams.partner.pk},
        label="ocmw-admin-partner-team",
    ),
    # partners: agreements ------------------------------------------------------------------
    own("agreements", a.ANY_LOGGED_IN),
    own("agreement_propose", a.AGREEMENTS_OF_PARTNER, partner, label="partner"),
    own("agreement_propose", a.AGREEMENTS_OF_OCMW, ocmw, label="ocmw"),
    own("agreement_end", a.AGREEMENT_PARTIES, lambda w: {"agreement_pk": w.agreement.pk}),
    post_only(
        "agreement_confirm",
        (),
        # The proposal of the partner to the other OCMW: only the other side confirms,
        # and nobody there manages agreements.
        seen=a.PARTNER | a.ARREARS_DENDERMONDE,
        args=lambda w: {"agreement_pk": w.proposal.pk},
    ),
    # referrals ---------------------------------------------------------------------------
    own("my_referrals", a.ANY_LOGGED_IN),
    own("referral_inbox", a.ANY_LOGGED_IN),
    own("referral_new", a.MAY_REFER),
    own("referral_figures", a.MANAGES_AGREEMENTS_SOMEWHERE),
    own("referral_detail", a.REFERRER_OR_RECEIVER, lambda w: {"pk": w.referral.pk}),
    own(
        "referral_detail",
        a.INTERNAL_REFERRER_OR_RECEIVER,
        lambda w: {"pk": w.internal_referral.pk},
        label="internal",
    ),
    # Opening the case of a referral: only the arrears team learns that cases exist,
    # so everyone else, the referrer included, gets 404.
    post_only("referral_open_case", a.ARREARS_AALST, args=lambda w: {"pk": w.referral.pk}),
    post_only(
        "referral_open_case",
        (),
        args=lambda w: {"pk": w.internal_referral.pk},
        label="receiver-without-arrears",
    ),
    # A draft (without consent yet) is the referrer's alone.
    own("referral_detail", a.audience(a.PARTNER), lambda w: {"pk": w.draft.pk}, label="draft"),
    post_only(
        "referral_action",
        a.ARREARS_AALST,
        seen=a.PARTNER,
        args=lambda w: {"pk": w.referral2.pk, "action": "acknowledge"},
        data=lambda w: {"version": w.referral2.version},
    ),
    # cases and arrears (arrears team of the owning OCMW only) ------------------------------
    own("case_list", a.ANY_ARREARS_TEAM),
    own("case_new", a.ANY_ARREARS_TEAM),
    own("case_detail", a.ARREARS_TEAM_AALST, case),
    own("case_detail", a.ARREARS_TEAM_DENDERMONDE, other_case, label="other"),
    own("case_workers", a.ARREARS_TEAM_AALST, case, query=lambda w: "worker_q=a"),
    own(
        "case_workers",
        a.ARREARS_TEAM_DENDERMONDE,
        other_case,
        query=lambda w: "worker_q=a",
        label="other",
    ),
    own("arrears_edit", a.ARREARS_TEAM_AALST, case),
    own("arrears_edit", a.ARREARS_TEAM_DENDERMONDE, other_case, label="other"),
    # An empty invoice is shown again with what to fix (400), no longer a redirect.
    post_only(
        "arrears_action",
        a.ARREARS_AALST,
        args=lambda w: {"pk": w.case.pk, "action": "invoice"},
        status=400,
    ),
    post_only("case_action", a.ARREARS_AALST, args=lambda w: {"pk": w.case.pk, "action": "note"}),
    post_only(
        "case_action",
        a.ARREARS_DENDERMONDE,
        args=lambda w: {"pk": w.other_case.pk, "action": "note"},
        label="other",
    ),
    own("attempt_new", a.ARREARS_TEAM_AALST, case),
    own("attempt_new", a.ARREARS_TEAM_DENDERMONDE, other_case, label="other"),
    own("outreach_proof", a.ARREARS_TEAM_AALST, case),
    own("outreach_proof", a.ARREARS_TEAM_DENDERMONDE, other_case, label="other"),
    own("letters", a.ARREARS_TEAM_AALST, case),
    own("letter_print", a.ARREARS_TEAM_AALST, case, query=letter_query),
    own("letter_pdf", a.ARREARS_TEAM_AALST, case, query=letter_query),
    post_only(
        "letter_sent",
        a.ARREARS_AALST,
        args=lambda w: {"pk": w.case.pk, "template_pk": w.template.pk},
    ),
    own("visit_new", a.ARREARS_TEAM_AALST, case),
    own("visit_new", a.ARREARS_TEAM_DENDERMONDE, other_case, label="other"),
    own("visit_board", a.ANY_ARREARS_TEAM),
    own("visit_detail", a.ARREARS_TEAM_AALST, lambda w: {"pk": w.visit.pk}),
    own("visit_detail", a.ARREARS_TEAM_DENDERMONDE, lambda w: {"pk": w.other_visit.pk}, label="o"),
    # Only the worker on the visit checks in; the team sees it.
    post_only(
        "visit_action",
        {"social_worker"},
        seen=a.ARREARS_AALST,
        args=lambda w: {"pk": w.visit.pk, "action": "check-in"},
    ),
    own("letter_templates", a.ARREARS_COORDINATOR),
    own("letter_template_new", a.ARREARS_COORDINATOR),
    own("letter_template_edit", a.ARREARS_COORDINATOR, lambda w: {"template_pk": w.template.pk}),
    # Messages to clients (#20): the arrears team of the case's OCMW; templates and the
    # reminder round of a session, its coordinator and workers as for letters and LAC.
    own("message_new", a.ARREARS_TEAM_AALST, case),
    own("message_new", a.ARREARS_TEAM_DENDERMONDE, other_case, label="other"),
    own("message_wishes", a.ARREARS_TEAM_AALST, case),
    own("message_wishes", a.ARREARS_TEAM_DENDERMONDE, other_case, label="other"),
    post_only(
        "message_cancel",
        a.ARREARS_AALST,
        args=lambda w: {"pk": w.case.pk, "message_pk": w.client_message.pk},
    ),
    own("message_templates", a.ARREARS_COORDINATOR),
    own("message_template_new", a.ARREARS_COORDINATOR),
    own(
        "message_template_edit",
        a.ARREARS_COORDINATOR,
        lambda w: {"template_pk": w.message_template.pk},
    ),
    own("session_reminders", a.ARREARS_TEAM_AALST, lambda w: {"pk": w.lac_session.pk}),
    own(
        "session_reminders",
        a.ARREARS_TEAM_DENDERMONDE,
        lambda w: {"pk": w.other_lac_session.pk},
        label="other",
    ),
    # The SMS provider's callbacks: POST only, refused without its signature, for all.
    Row("sms_status", lambda w: {"provider": "console"}, a.everyone(405), post=a.everyone(403)),
    Row("sms_reply", lambda w: {"provider": "console"}, a.everyone(405), post=a.everyone(403)),
    own("what_works", a.ANY_ARREARS_TEAM),
    own("what_works_csv", a.ANY_ARREARS_TEAM),
    # The right-of-access export: the OCMW's privacy officer, for clients of their OCMW.
    own("privacy_clients", a.audience(a.PRIVACY_AALST)),
    own("privacy_export", a.audience(a.PRIVACY_AALST), lambda w: {"pk": w.case.client_id}),
    own(
        "privacy_export",
        a.audience(()),
        lambda w: {"pk": w.other_case.client_id},
        label="other",
    ),
    # LAC sessions ---------------------------------------------------------------------------
    own("lac_sessions", a.ANY_ARREARS_TEAM),
    own("lac_session_detail", a.ARREARS_TEAM_AALST, lambda w: {"pk": w.lac_session.pk}),
    own(
        "lac_session_detail",
        a.ARREARS_TEAM_DENDERMONDE,
        lambda w: {"pk": w.other_lac_session.pk},
        label="other",
    ),
    # The agenda's search and pages (#17): the same audience as the session itself.
    own(
        "lac_session_detail",
        a.ARREARS_TEAM_AALST,
        lambda w: {"pk": w.lac_session.pk},
        query=lambda w: "q=a&page=2",
        label="search",
    ),
    own("lac_session_print", a.ARREARS_TEAM_AALST, lambda w: {"pk": w.lac_session.pk}),
    own(
        "lac_session_print",
        a.ARREARS_TEAM_DENDERMONDE,
        lambda w: {"pk": w.other_lac_session.pk},
        label="other",
    ),
    post_only("lac_session_held", a.ARREARS_AALST, args=lambda w: {"pk": w.lac_session.pk}),
    own("lac_upload", a.ARREARS_TEAM_AALST, lambda w: {"pk": w.lac_session.pk}),
    post_only("lac_decision", a.ARREARS_AALST, args=lambda w: {"item_pk": w.agenda_item.pk}),
    own("decision_letter", a.ARREARS_TEAM_AALST, lambda w: {"item_pk": w.agenda_item.pk}),
    own(
        "decision_letter",
        a.ARREARS_TEAM_DENDERMONDE,
        lambda w: {"item_pk": w.other_agenda_item.pk},
        label="other",
    ),
    own("lac_import_preview", a.ARREARS_TEAM_AALST, lambda w: {"pk": w.lac_import.pk}),
    own("lac_import_progress", a.ARREARS_TEAM_AALST, lambda w: {"pk": w.lac_import.pk}),
    # information sessions ---------------------------------------------------------------------
    own("session_list", a.ANY_LOGGED_IN),
    own("session_month", a.ANY_LOGGED_IN),
    own("session_create", a.SESSION_PLANNER),
    own("session_figures", a.SESSION_PLANNER),
    own("venue_list", a.ANY_LOGGED_IN),
    own("venue_create", a.VENUES_OF_PARTNER, lambda w: {"organisation_pk": w.partner.pk}),
    own(
        "venue_create",
        a.VENUES_OF_OCMW,
        lambda w: {"organisation_pk": w.ocmw.pk},
        label="ocmw",
    ),
    own("venue_edit", a.VENUES_OF_PARTNER, lambda w: {"pk": w.venue.pk}),
    own("session_detail", a.ANY_MEMBER, session),
    own("session_detail", a.DRAFT_SESSION, lambda w: {"pk": w.draft_session.pk}, label="draft"),
    own("session_edit", a.SESSION_EDITOR, session),
    own("session_practical", a.SESSION_PRACTICAL, session),
    post_only(
        "session_publish",
        {"coordinator"},
        seen=a.ORGANISER | a.COHOST,
        args=lambda w: {"pk": w.draft_session.pk},
    ),
    own("session_cancel", a.SESSION_EDITOR, session),
    own("session_ics", a.ANY_MEMBER, session),
    own("session_register", a.ANY_MEMBER, session),
    own(
        "registration_cancel",
        a.NAMED_REGISTRATION,
        lambda w: {"pk": w.session.pk, "registration_pk": w.registration.pk},
    ),
    own("session_attendance", a.SESSION_ORGANISER, lambda w: {"pk": w.past_session.pk}),
    own("session_evaluation", a.SESSION_ORGANISER_OR_COHOST, lambda w: {"pk": w.past_session.pk}),
    post_only("material_add", {"coordinator"} | a.COHOST, seen=a.MEMBERS, args=session),
    own(
        "material_download",
        a.ANY_MEMBER,
        lambda w: {"pk": w.session.pk, "material_pk": w.material.pk},
    ),
    post_only(
        "material_delete",
        {"coordinator"} | a.COHOST,
        seen=a.MEMBERS,
        args=lambda w: {"pk": w.session.pk, "material_pk": w.material.pk},
    ),
    own("session_request_list", a.ANY_LOGGED_IN),
    own("session_request_create", a.ANY_MEMBER),
    own("session_request_detail", a.REQUEST_PARTIES, lambda w: {"pk": w.session_request.pk}),
    own("session_request_plan", a.REQUEST_DECIDER, lambda w: {"pk": w.session_request.pk}),
    own("session_request_decline", a.REQUEST_DECIDER, lambda w: {"pk": w.session_request.pk}),
    # The asking organisation withdraws; the OCMW's planner sees it but may not.
    post_only(
        "session_request_withdraw",
        a.PARTNER,
        seen={"coordinator"},
        args=lambda w: {"pk": w.session_request.pk},
    ),
    own("calendar_feed_settings", a.ANY_LOGGED_IN),
    # The personal calendar feed: the secret token in the URL is the credential.
    own("calendar_feed", a.everyone(200), lambda w: {"token": w.feed_token}),
    Row("calendar_feed", lambda w: {"token": "not-a-token"}, a.everyone(404), label="bad"),
    # API pages that are not operations of the OpenAPI schema --------------------------------
    own("api:root", a.audience(a.LOGGED_IN, anonymous=403)),
    # The API's description (no data) is public, so integrators can read it first.
    # Generating it takes a second: one anonymous and one logged-in fetch stand for all.
    own("api:schema", a.everyone(200), roles=("anonymous", "partner_worker")),
    own("api:docs", a.everyone(200)),
    # The Django admin: every admin URL runs behind admin_view (see ADMIN). The doors to
    # memberships, teams and agreements have rows of their own: the platform admin adds
    # and changes through the services (tests/partners/test_admin_doors.py), agreements only show.
    own("admin:index", a.PLATFORM_ADMIN),
    own("admin:partners_membership_add", a.PLATFORM_ADMIN),
    own(
        "admin:partners_membership_change",
        a.PLATFORM_ADMIN,
        lambda w: {"object_id": w.membership.pk},
    ),
    own("admin:partners_team_add", a.PLATFORM_ADMIN),
    own(
        "admin:partners_team_change", a.PLATFORM_ADMIN, lambda w: {"object_id": w.teams.watercel.pk}
    ),
    own("admin:partners_organisation_change", a.PLATFORM_ADMIN, lambda w: {"object_id": w.ocmw.pk}),
    own(
        "admin:partners_agreement_change", a.PLATFORM_ADMIN, lambda w: {"object_id": w.proposal.pk}
    ),
    own("admin:partners_agreement_add", a.audience((), seen={"platform_admin"}, refused=302)),
    own("admin:portal_user_change", a.PLATFORM_ADMIN, lambda w: {"object_id": w.social_worker.pk}),
]

ALLAUTH = (
    "allauth's own account pages: they only ever show the logged-in person's own "
    "account; the public ones are checked in test_public_pages"
)
EXCLUDED = {
    **dict.fromkeys(
        [
            "account_login",
            "account_logout",
            "account_inactive",
            "account_signup",
            "account_reauthenticate",
            "account_email",
            "account_email_verification_sent",
            "account_change_password",
            "account_set_password",
            "account_reset_password",
            "account_confirm_login_code",
            "account_confirm_email",
            "account_reset_password_from_key_done",
            "account_reset_password_from_key",
            "account_reset_password_done",
            "mfa_index",
            "mfa_authenticate",
            "mfa_reauthenticate",
            "mfa_activate_totp",
            "mfa_deactivate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
            "usersessions_list",
        ],
        ALLAUTH,
    ),
}
ADMIN = (
    "the Django admin: every admin URL runs behind admin_view (is_staff), checked for "
    "all roles by the admin:index row; no arrears model is registered in it "
    "(test_sentinel_crawl.py::test_the_admin_holds_no_arrears)"
)
# Anonymous visitors may use these; every other URL sends them to the login page.
PUBLIC = {
    "home": "redirects to the login page or the dashboard",
    "health": "the load balancer's health check: no data, writes nothing",
    "health_live": "the process manager's liveness check: answers 'ok', touches nothing",
    "invitation_accept": "the invitation link: the single-use token is the credential",
    "set_language": "switching the language before logging in",
    "calendar_feed": "the personal calendar feed: the secret token is the credential",
    "sms_status": "the SMS provider's delivery reports: its signature is the credential "
    "(tests/referrals/test_messaging.py refuses forged ones)",
    "sms_reply": "the SMS provider's forwarded replies: its signature is the credential",
    "api:schema": "the OpenAPI description: no data",
    "api:docs": "the API documentation page: no data",
}


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, full name, pattern) for every pattern of the resolver."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}{ns}:" if ns else namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), full)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            yield prefix + str(pattern.pattern), name, pattern


def schema_paths() -> set[str]:
    return set(openapi_schema()["paths"])


def _as_schema_path(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{" + m.group(1) + "}", route)


def test_every_url_pattern_has_a_row():
    """A new URL fails here until it gets a row (or an exclusion with a reason)."""
    rows = {row.name for row in ROWS}
    documented = {path.replace("{pk}", "{id}") for path in schema_paths()}
    missing, unnamed = [], []
    for route, name, _pattern in url_patterns():
        if route.startswith(settings.STATIC_URL.lstrip("/")):
            continue
        if route.startswith("admin/") and name != "admin:index":
            continue  # ADMIN
        if not name:
            unnamed.append(route)
        elif name in rows or name in EXCLUDED:
            continue
        elif name.startswith("api:"):
            if _as_schema_path(route).replace("{pk}", "{id}") not in documented:
                missing.append(f"{name} ({route}): not in the OpenAPI schema, needs a row")
        else:
            missing.append(f"{name} ({route})")
    assert unnamed == [], "every URL pattern needs a name"
    assert missing == []


def test_every_row_is_a_url_pattern():
    names = {name for _route, name, _pattern in url_patterns()}
    assert {row.name for row in ROWS} - names == set()
    assert set(EXCLUDED) - names == set()


def test_anonymous_visitors_only_reach_the_public_list():
    for row in ROWS:
        if row.name in PUBLIC or row.name.startswith("admin:"):
            continue
        assert row.expect["anonymous"] in (302, 403), row.id


def _answer(response, role: str, row: Row) -> int | str:
    """The status; for anonymous visitors also whether a redirect goes to a login page;
    and whether the answer shows arrears the role may not read (it never may)."""
    if leaked := shows_hidden_arrears(role, response):
        return f"{response.status_code} showing arrears: {leaked}"
    if response.status_code == 302 and role == "anonymous" and row.name not in PUBLIC:
        location = response["Location"]
        if not location.startswith((resolve_url(settings.LOGIN_URL), "/admin/login/")):
            return f"302 to {location}"
    return response.status_code


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_get(world, row):
    url = row.url(world)
    answers = {}
    for role in row.roles:
        client = client_of(world, role)
        answers[role] = _answer(client.get(url), role, row)
    assert answers == {role: row.expect[role] for role in row.roles}, url


POST_ROWS = [row for row in ROWS if row.post is not None]


@pytest.mark.parametrize("row", POST_ROWS, ids=lambda row: row.id)
def test_post(world, row):
    """Refused people get 404 or 403 (anonymous visitors the login page) and nothing
    at all changes in the database."""
    url = row.url(world)
    answers, changed = {}, {}
    for role in ROLES:
        client = client_of(world, role)
        refused = role == "anonymous" or row.post[role] in (403, 404)
        with undone(), writes() as written:
            answers[role] = _answer(client.post(url, row.data(world)), role, row)
        if refused and written:
            changed[role] = written
    assert answers == row.post, url
    assert changed == {}, f"{url}: refused, yet written"


def test_public_pages(client):
    """Anonymous visitors reach the login, password reset and (closed) signup pages."""
    for name in ("account_login", "account_reset_password", "account_signup"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
