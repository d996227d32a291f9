"""Journey 7: a partner worker cannot reach the arrears of a client she helped.

Sara Peeters of Buurthuis De Brug referred Jan Peeters; the water company's LAC list put
him on the agenda and the OCMW linked that referral to his case. The case and its arrears
belong to the OCMW's arrears team only: when Sara opens their URLs she gets the very same
"not found" page as for a page that does not exist, so she cannot even learn that the case
exists. Her own referral she can still open.
"""

import pytest
from django.urls import reverse

from portal.core.models import User
from referrals.cases.models import ArrearsRecord, Case
from referrals.cases.services import open_case_from_referral
from referrals.referrals.models import Referral
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

PARTNER = "partner@example.org"  # Sara Peeters, Buurthuis De Brug
WORKER = "maatschappelijkwerker@example.org"  # Nadia Janssens, arrears team of OCMW Aalst


def case_of_a_referral_of_de_brug() -> tuple[Case, Referral]:
    """The demo's LAC list matches Jan Peeters, referred by De Brug, to a case; without that
    match the OCMW opens a case from one of De Brug's referrals."""
    case = Case.objects.filter(
        referrals__referring_team__organisation__name="Buurthuis De Brug"
    ).first()
    if case is None:
        referral = Referral.objects.filter(
            referring_team__organisation__name="Buurthuis De Brug",
            receiving_ocmw__name="OCMW Aalst",
            submitted_at__isnull=False,
        ).first()
        case = open_case_from_referral(referral, actor=User.objects.get(email=WORKER))
    referral = case.referrals.filter(referring_team__organisation__name="Buurthuis De Brug").first()
    return case, referral


def not_found_page(page, url: str) -> dict:
    response = page.goto(url)
    return {
        "status": response.status,
        "title": page.title(),
        "heading": page.locator("main h1").inner_text(),
        "text": page.locator("main").inner_text(),
    }


def test_partner_gets_not_found_for_the_case_and_arrears_of_a_client_she_referred(
    demo_world, page, assert_accessible
):
    case, referral = case_of_a_referral_of_de_brug()
    arrears = ArrearsRecord.objects.filter(case=case).first()
    # What must not show: the case, the client's name in it, the water account.
    secrets = [case.reference, case.client.full_name]
    if arrears is not None:
        secrets.append(arrears.customer_number)
    missing_case = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    log_in(page, PARTNER)

    # What "not found" looks like: a page that does not exist, and a case that does not.
    expected = not_found_page(page, "/dit-adres-bestaat-niet/")
    assert expected["status"] == 404
    assert_accessible(page)
    assert not_found_page(page, reverse("case_detail", args=[missing_case])) == expected

    # The client's case, its arrears and the pages to reach him: the very same page.
    for url in [
        reverse("case_detail", args=[case.pk]),
        reverse("arrears_edit", args=[case.pk]),
        reverse("attempt_new", args=[case.pk]),
        reverse("letters", args=[case.pk]),
    ]:
        seen = not_found_page(page, url)
        assert seen == expected, url
        content = page.content()
        assert not [secret for secret in secrets if secret in content], url
        assert_accessible(page)

    # Her own referral of him she does see (its status, never the debts).
    response = page.goto(reverse("referral_detail", args=[referral.pk]))
    assert response.status == 200
    if arrears is not None:
        assert arrears.customer_number not in page.content()
    assert_accessible(page)
