"""Who may use a URL, as a readable table: each URL names its audience, an
audience is a function role → expected status.

Statuses follow CONVENTIONS.md: 200 for those who may, 403 for those who see
the object (or are in the organisation) but may not do this, 404 for everyone
else (the same answer as for a missing object, so existence does not leak),
302 to the login page for anonymous visitors (403 "not_authenticated" in the API).
"""

from __future__ import annotations

from collections.abc import Iterable

ROLES = (
    "anonymous",
    "outsider",
    "platform_admin",
    "partner_worker",
    "partner_admin",
    "other_partner_worker",
    "internal_worker",
    "social_worker",
    "onthaal_worker",
    "other_social_worker",
    "coordinator",
    "org_admin",
    "privacy_officer",
)

LOGGED_IN = frozenset(ROLES) - {"anonymous"}
PARTNER = frozenset({"partner_worker", "partner_admin"})  # Buurthuis De Brug
OCMW = frozenset(  # every member of OCMW Aalst
    {
        "internal_worker",
        "social_worker",
        "onthaal_worker",
        "coordinator",
        "org_admin",
        "privacy_officer",
    }
)
MEMBERS = LOGGED_IN - {"outsider", "platform_admin"}  # a member of some organisation
ARREARS_AALST = frozenset({"social_worker", "coordinator"})  # energie- en watercel Aalst
ARREARS_DENDERMONDE = frozenset({"other_social_worker"})
ARREARS_ANY = ARREARS_AALST | ARREARS_DENDERMONDE
# The privacy officer of OCMW Aalst exports everything held on a client (GDPR
# art. 15), arrears included; in the demo world they sit in Beheer.
PRIVACY_AALST = frozenset({"privacy_officer"})
REFERRERS = frozenset(
    {"partner_worker", "partner_admin", "other_partner_worker", "internal_worker"}
)
# Information sessions of OCMW Aalst: planned by the coordinator for the watercel
# (organising team), co-hosted by Buurthuis De Brug.
ORGANISER = frozenset({"coordinator", "social_worker"})
COHOST = PARTNER


def audience(
    ok: Iterable[str] = (),
    *,
    seen: Iterable[str] = (),
    status: int = 200,
    refused: int = 404,
    anonymous: int = 302,
) -> dict[str, int]:
    """``ok`` get ``status``, ``seen`` get 403, other logged-in people ``refused``."""
    ok, seen = frozenset(ok), frozenset(seen)
    return {
        role: anonymous
        if role == "anonymous"
        else status
        if role in ok
        else 403
        if role in seen
        else refused
        for role in ROLES
    }


def everyone(status: int = 200) -> dict[str, int]:
    """Public: anonymous visitors included."""
    return dict.fromkeys(ROLES, status)


# The audiences the tables use ------------------------------------------------------

ANY_LOGGED_IN = audience(LOGGED_IN)
ANY_MEMBER = audience(MEMBERS)
ADMIN_OF_PARTNER = audience({"partner_admin"}, seen=PARTNER)
ADMIN_OF_OCMW = audience({"org_admin"}, seen=OCMW)
# An organisation admin who tries an object of another organisation through their own
# organisation's URL: their own members get 403 (not admins), the admin 404.
ADMIN_OF_OCMW_OTHERS_OBJECT = audience((), seen=OCMW - {"org_admin"})
AGREEMENTS_OF_PARTNER = audience({"partner_admin"}, seen=PARTNER)
AGREEMENTS_OF_OCMW = audience({"coordinator"}, seen=OCMW)
AGREEMENT_PARTIES = audience({"partner_admin", "coordinator"}, seen=PARTNER | OCMW)
MANAGES_AGREEMENTS_SOMEWHERE = audience({"partner_admin", "coordinator"}, seen=LOGGED_IN)
MAY_REFER = audience(REFERRERS, seen=LOGGED_IN)
REFERRER_OR_RECEIVER = audience(PARTNER | ARREARS_AALST)  # the partner's referral
INTERNAL_REFERRER_OR_RECEIVER = audience({"internal_worker", "onthaal_worker"})
ARREARS_TEAM_AALST = audience(ARREARS_AALST)
ARREARS_TEAM_DENDERMONDE = audience(ARREARS_DENDERMONDE)
ANY_ARREARS_TEAM = audience(ARREARS_ANY)
ARREARS_COORDINATOR = audience({"coordinator"}, seen=ARREARS_ANY)
SESSION_PLANNER = audience({"coordinator"}, seen=LOGGED_IN)
SESSION_EDITOR = audience({"coordinator"}, seen=MEMBERS)
SESSION_PRACTICAL = audience({"coordinator"} | COHOST, seen=MEMBERS)
SESSION_ORGANISER = audience(ORGANISER, seen=MEMBERS)
SESSION_ORGANISER_OR_COHOST = audience(ORGANISER | COHOST, seen=MEMBERS)
DRAFT_SESSION = audience(ORGANISER | COHOST)
NAMED_REGISTRATION = audience(ORGANISER | COHOST)
REQUEST_PARTIES = audience({"coordinator"} | PARTNER)
REQUEST_DECIDER = audience({"coordinator"}, seen=PARTNER)
VENUES_OF_PARTNER = audience({"partner_admin"}, seen=PARTNER)
VENUES_OF_OCMW = audience({"org_admin", "coordinator"}, seen=OCMW)
TOKEN_OWNER = audience({"partner_worker"})
PLATFORM_ADMIN = audience({"platform_admin"}, refused=302)


def post_only(get_expect: dict[str, int]) -> dict[str, int]:
    """A view that only accepts POST answers a GET with 405 once you are logged in.

    The 405 comes before any lookup, and is the same for a missing object, so it
    says nothing; the access check itself is proven with a POST (see the POST table).
    """
    return {role: 302 if role == "anonymous" else 405 for role in get_expect}
