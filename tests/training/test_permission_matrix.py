"""Every page of the training app for every role, with the expected answer:
302 to the login for anonymous visitors, 404 for what a person may not see,
403 for what they see but may not do."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from training.models import SessionRequest

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous", "outsider", "platform_admin", "partner_worker", "partner_admin",
    "other_partner_worker", "internal_worker", "social_worker", "onthaal_worker",
    "other_social_worker", "coordinator", "org_admin",
]  # fmt: skip
MEMBERS = set(ROLES) - {"anonymous", "outsider", "platform_admin"}
ORGANISER = {"coordinator", "social_worker"}  # planner; organising team (energie- en watercel)
COHOST = {"partner_worker", "partner_admin"}  # Buurthuis De Brug


def expect(ok: set[str], *, seen: set[str] = frozenset()) -> dict[str, int]:
    """200 for ``ok``, 403 for those who only see it, 404 for everyone else."""
    return {
        role: 302 if role == "anonymous" else 200 if role in ok else 403 if role in seen else 404
        for role in ROLES
    }


PAGES = {
    "list": ("session_list", None, expect(MEMBERS | {"outsider", "platform_admin"})),
    "month": ("session_month", None, expect(MEMBERS | {"outsider", "platform_admin"})),
    "detail": ("session_detail", "published", expect(MEMBERS)),
    "ics": ("session_ics", "published", expect(MEMBERS)),
    "draft": ("session_detail", "draft", expect(ORGANISER | COHOST)),
    "edit": ("session_edit", "published", expect({"coordinator"}, seen=MEMBERS)),
    "practical": (
        "session_practical",
        "published",
        expect({"coordinator"} | COHOST, seen=MEMBERS),
    ),
    "cancel": ("session_cancel", "published", expect({"coordinator"}, seen=MEMBERS)),
    "register": ("session_register", "published", expect(MEMBERS)),
    "attendance": ("session_attendance", "past", expect(ORGANISER, seen=MEMBERS)),
    "evaluation": ("session_evaluation", "past", expect(ORGANISER | COHOST, seen=MEMBERS)),
    "registration": ("registration_cancel", "registration", expect(ORGANISER | COHOST)),
    "create": ("session_create", None, expect({"coordinator"}, seen=set(ROLES))),
    "figures": ("session_figures", None, expect({"coordinator"}, seen=set(ROLES))),
    "requests": ("session_request_list", None, expect(set(ROLES) - {"anonymous"})),
    "request": ("session_request_detail", "request", expect({"coordinator"} | COHOST)),
    "plan": ("session_request_plan", "request", expect({"coordinator"}, seen=COHOST)),
    "decline": ("session_request_decline", "request", expect({"coordinator"}, seen=COHOST)),
    "venues": ("venue_list", None, expect(set(ROLES) - {"anonymous"})),
    "venue": ("venue_edit", "venue", expect({"partner_admin"}, seen={"partner_worker"})),
    "feed_settings": ("calendar_feed_settings", None, expect(set(ROLES) - {"anonymous"})),
}


@pytest.fixture
def objects(world, make_session, register):
    published = make_session(cohosts=[world.partner])
    past = make_session(starts_in=timedelta(hours=-3), cohosts=[world.partner])
    today = timezone.localdate()
    return {
        "published": published.pk,
        "draft": make_session(status="draft", cohosts=[world.partner]).pk,
        "past": past.pk,
        "registration": (published.pk, register(published, kind="named").pk),
        "request": SessionRequest.objects.create(
            organisation=world.partner,
            ocmw=world.ocmw,
            requested_by=world.partner_worker,
            topics="lac",
            audience="residents",
            preferred_from=today,
            preferred_until=today,
            expected_people=5,
        ).pk,
        "venue": world.venues.partner.pk,
    }


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, objects, client, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    wrong = {}
    for page, (name, target, expected) in PAGES.items():
        args = objects[target] if target else ()
        url = reverse(name, args=args if isinstance(args, tuple) else [args])
        response = client.get(url)
        if response.status_code != expected[role]:
            wrong[page] = (url, response.status_code, expected[role])
        elif response.status_code == 302:
            assert "/accounts/login/" in response.url
    assert wrong == {}
