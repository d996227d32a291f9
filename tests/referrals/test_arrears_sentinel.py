"""Rule 1 of the design: arrears stay with the OCMW teams that handle them.

A sentinel is planted in every arrears field (and in case notes and LAC
decisions); every page and API response that each non-arrears role can reach
is searched for it. The arrears team of the owning OCMW must see it.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Organisation
from referrals.cases import services as cases
from referrals.cases.models import AgendaItem, ArrearsRecord, Case, CaseNote, Invoice, PaymentPlan
from referrals.referrals import services
from tests.crawl import api_crawl, crawl

pytestmark = pytest.mark.django_db

SENTINEL = "ZZSENTINEL"
AMOUNT = Decimal("98765.43")
AMOUNT_TEXTS = ("98765", "98.765", "98,765")


@pytest.fixture
def planted(cast, referral):
    """A case for the partner's referral, with every arrears field carrying the sentinel."""
    # Which company a household owes is arrears data, but the company itself is public.
    water = Organisation.objects.get(name="Farys", kind="water_company")
    r = services.acknowledge_referral(referral, actor=cast.social_worker, version=referral.version)
    services.post_message(
        r, actor=cast.social_worker, text="Gedeeld bericht", visible_to_referrer=True
    )
    case = cases.open_case_from_referral(r, actor=cast.social_worker)
    record = ArrearsRecord.objects.create(
        case=case,
        water_company=water,
        customer_number=f"{SENTINEL}-CUST",
        amount_outstanding=AMOUNT,
        protected_customer=True,
        flow_limiter_since=date(2026, 3, 1),
        justification_note=f"{SENTINEL} note",
    )
    Invoice.objects.create(
        arrears=record, number=f"{SENTINEL}-INV", issued_on=date(2026, 1, 1), amount=AMOUNT
    )
    plan = PaymentPlan.objects.create(
        arrears=record,
        total_amount=AMOUNT,
        instalments=7,
        instalment_amount=Decimal("14109.35"),
        start_date=date(2026, 2, 1),
    )
    CaseNote.objects.create(case=case, author=cast.social_worker, text=f"{SENTINEL} casenote")
    session = cases.plan_lac_session(
        cast.ocmw, actor=cast.social_worker, on=timezone.localdate() + timedelta(days=20)
    )
    item = cases.add_to_agenda(session, case, actor=cast.social_worker)
    AgendaItem.objects.filter(pk=item.pk).update(
        decision="conditional",
        decided_on=date(2026, 4, 1),
        motivation=f"{SENTINEL} motive",
        payment_plan=plan,
    )
    return {"case": case, "session": session, "item": item, "referral": r}


def _arrears_urls(planted):
    case, session, item = planted["case"], planted["session"], planted["item"]
    return [
        reverse("case_list"),
        reverse("case_detail", args=[case.pk]),
        reverse("arrears_edit", args=[case.pk]),
        reverse("lac_sessions"),
        reverse("lac_session_detail", args=[session.pk]),
        reverse("lac_session_print", args=[session.pk]),
        reverse("decision_letter", args=[item.pk]),
        reverse("lac_upload", args=[session.pk]),
        f"/api/v1/cases/{case.pk}/",
        f"/api/v1/cases/{case.pk}/arrears/",
        f"/api/v1/lac-sessions/{session.pk}/",
    ]


API_ROOTS = [
    "/api/v1/",
    "/api/v1/organisations/",
    "/api/v1/agreements/",
    "/api/v1/referrals/sent/",
    "/api/v1/referrals/inbox/",
    "/api/v1/cases/",
    "/api/v1/lac-sessions/",
]


def _leaks(pages: dict) -> list[str]:
    found = []
    for url, (status, body) in pages.items():
        if SENTINEL in body or any(text in body for text in AMOUNT_TEXTS):
            found.append(f"{url} ({status})")
    return found


@pytest.mark.parametrize(
    "person",
    [
        "partner_worker",
        "partner_admin",
        "internal_worker",
        "onthaal_worker",
        "other_social_worker",
        "org_admin",
        "other_partner_worker",
        "outsider",
        "platform_admin",
    ],
)
def test_no_page_or_api_response_shows_arrears_to_others(cast, client, planted, person):
    client.force_login(getattr(cast, person))
    start = [
        "/",
        "/dashboard/",
        reverse("referral_detail", args=[planted["referral"].pk]),
        "/notifications/",
        "/referrals/",
        "/referrals/inbox/",
        "/directory/",
    ]
    pages = crawl(client, start + _arrears_urls(planted))
    pages |= api_crawl(client, API_ROOTS + [u for u in _arrears_urls(planted) if "/api/" in u])
    assert len(pages) > 10
    assert _leaks(pages) == []
    # The case's own URLs answer as if they did not exist (lists may be empty pages
    # for the arrears team of another OCMW).
    lists = {reverse("case_list"), reverse("lac_sessions")}
    for url in _arrears_urls(planted):
        if url not in lists:
            assert pages[url][0] in (404, 302), url


def test_the_arrears_team_of_the_owning_ocmw_sees_it(cast, client, planted):
    for person in ("social_worker", "coordinator"):
        client.force_login(getattr(cast, person))
        detail = client.get(reverse("case_detail", args=[planted["case"].pk])).content.decode()
        assert "98.765,43" in detail  # Belgian format
        arrears = client.get(reverse("arrears_edit", args=[planted["case"].pk])).content.decode()
        assert SENTINEL in arrears
        api = client.get(f"/api/v1/cases/{planted['case'].pk}/arrears/").json()
        assert api["customer_number"] == f"{SENTINEL}-CUST"
        letter = client.get(reverse("decision_letter", args=[planted["item"].pk])).content.decode()
        assert SENTINEL in letter


def test_partner_notifications_and_referral_carry_no_case_hint(cast, client, planted):
    client.force_login(cast.partner_worker)
    page = client.get(reverse("referral_detail", args=[planted["referral"].pk])).content.decode()
    assert planted["case"].reference not in page
    assert "DS-" not in page
    api = client.get(f"/api/v1/referrals/{planted['referral'].pk}/").json()
    assert "case" not in api


def test_missing_case_and_forbidden_case_look_the_same(cast, client, planted):
    client.force_login(cast.internal_worker)
    forbidden = client.get(reverse("case_detail", args=[planted["case"].pk]))
    missing = client.get(reverse("case_detail", args=[planted["case"].pk + 999]))
    assert forbidden.status_code == missing.status_code == 404
    assert Case.objects.visible_to(cast.internal_worker).count() == 0
