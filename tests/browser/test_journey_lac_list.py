"""Journey 5: a coordinator imports the water company's LAC list, reads the countdown to
the session, prints a card naming a partner as contact, and reads what works.

An Maes coordinates the energie- en watercel of OCMW Aalst (an arrears team, so she logs in
in two steps). The water company sent a new list for the coming LAC session: she uploads
it, checks the preview and imports it; the dashboard and the LAC page count down to the
session. For the new client she makes a card without logo that names Buurthuis De Brug (its
agreement allows that), opens the print page (A6) and downloads the PDF. Last, she reads
the report of which ways of reaching clients work.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from partners.models import Organisation
from referrals.cases.models import Case, LacSession
from referrals.outreach.models import LetterTemplate
from tests.browser.helpers import log_in, submit, url_is

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator@example.org"  # An Maes, Energie- en watercel, OCMW Aalst
NEW_CLIENT = "Rita Claeys"
# The water company's columns (see referrals/data/): one client already on the list from
# the demo's import, unchanged, and one new.
LAC_LIST = """\ufeffwatermaatschappij;klantnummer;naam;straat;postcode;gemeente;bedrag;\
sociaal_tarief;begrenzer_sinds;gsm;verantwoordingsnota
Farys;FA-3100457;Jan Peeters;Molenstraat 3;9300;Aalst;412,35;nee;;0470 11 22 33;\
Drie herinneringen zonder reactie.
Farys;FA-3109911;Rita Claeys;Pontstraat 40;9300;Aalst;623,80;nee;;0479 12 34 56;\
Nieuwe klant, reageerde niet op de brieven.
"""


def expect_countdown(countdown, session: LacSession) -> None:
    """The countdown names the days left and how many on the agenda are not reached yet."""
    days_left = (session.date - timezone.localdate()).days
    on_agenda = session.agenda.count()
    unreached = session.agenda.filter(case__reached_at__isnull=True).count()
    expect(countdown).to_have_count(1)
    expect(countdown).to_have_attribute("data-days-left", str(days_left))
    expect(countdown).to_contain_text(re.compile(rf"\b{days_left}\b"))
    expect(countdown).to_contain_text(re.compile(rf"\b{unreached}\b.*\b{on_agenda}\b"))


def test_coordinator_imports_the_lac_list_and_prints_a_card_naming_a_partner(
    demo_world, page, assert_accessible
):
    aalst = Organisation.objects.get(name="OCMW Aalst")
    session = LacSession.objects.get(ocmw=aalst, status=LacSession.Status.PLANNED)
    on_agenda_before = session.agenda.count()
    log_in(page, COORDINATOR)
    assert_accessible(page)

    # From the LAC sessions to the session and its import page.
    page.locator(f"header nav a[href='{reverse('lac_sessions')}']").click()
    expect(page).to_have_url(url_is(reverse("lac_sessions")))
    assert_accessible(page)
    session_url = reverse("lac_session_detail", args=[session.pk])
    page.locator(f"main table a[href='{session_url}']").click()
    expect(page).to_have_url(url_is(session_url))
    assert_accessible(page)
    page.locator(f"main a[href='{reverse('lac_upload', args=[session.pk])}']").click()
    expect(page).to_have_url(url_is(reverse("lac_upload", args=[session.pk])))
    assert_accessible(page)

    # Upload the list: first a preview, nothing imported yet.
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("input[type=file][name=file]").set_input_files(
        {"name": "lac-lijst-farys.csv", "mimeType": "text/csv", "buffer": LAC_LIST.encode()}
    )
    submit(form)
    expect(page).to_have_url(re.compile(r"/lac/imports/\d+/$"))
    expect(page.locator("main table")).to_contain_text(NEW_CLIENT)
    expect(page.locator("main .form-errors")).to_have_count(0)
    assert not Case.objects.filter(client__full_name=NEW_CLIENT).exists()
    assert_accessible(page)

    # "Import now": back on the session, the new client is on the agenda.
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(url_is(session_url))
    expect(page.locator(".messages .success")).to_have_count(1)
    case = Case.objects.get(client__full_name=NEW_CLIENT, ocmw=aalst)
    case_url = reverse("case_detail", args=[case.pk])
    expect(page.locator(f"main ol.agenda a[href='{case_url}']")).to_have_count(1)
    assert session.agenda.count() == on_agenda_before + 1
    assert_accessible(page)

    # The countdown, on the dashboard and on the LAC page.
    page.locator(f"header nav a[href='{reverse('dashboard')}']").click()
    expect(page).to_have_url(url_is(reverse("dashboard")))
    expect_countdown(page.locator("main [data-role='lac-countdown']"), session)
    assert_accessible(page)
    page.locator(f"header nav a[href='{reverse('lac_sessions')}']").click()
    expect_countdown(page.locator("main [data-role='lac-countdown']"), session)

    # A card without logo for the new client, naming Buurthuis De Brug as contact.
    page.goto(case_url)
    assert_accessible(page)
    page.locator(f"main a[href='{reverse('letters', args=[case.pk])}']").click()
    expect(page).to_have_url(url_is(reverse("letters", args=[case.pk])))
    assert_accessible(page)
    card = LetterTemplate.objects.get(ocmw=aalst, name="Kaartje zonder logo")
    de_brug = Organisation.objects.get(name="Buurthuis De Brug")
    choice = page.locator("main form[method=get]")
    choice.locator("select[name=template]").select_option(str(card.pk))
    choice.locator("select[name=partner]").select_option(str(de_brug.pk))
    submit(choice)
    expect(page).to_have_url(re.compile(rf"[?&]template={card.pk}&.*partner={de_brug.pk}"))
    block = page.locator("main [data-partner-block]")
    expect(block).to_contain_text(de_brug.name)
    expect(block).to_contain_text(de_brug.phone)
    expect(page.locator("main .letter-sheet")).to_contain_text(NEW_CLIENT)
    assert_accessible(page)

    # The print page is a card (A6) with the partner's block; the PDF is a PDF.
    pdf_link = page.locator(f"main a[href^='{reverse('letter_pdf', args=[case.pk])}?']")
    pdf_url = pdf_link.get_attribute("href")
    page.locator(f"main a[href^='{reverse('letter_print', args=[case.pk])}?']").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("letter_print", args=[case.pk]))))
    page_rule = page.locator("head style").evaluate_all("els => els.map(e => e.textContent)")
    assert any(re.search(r"@page\s*{[^}]*size:\s*A6", rule) for rule in page_rule), page_rule
    expect(page.locator("main [data-partner-block]")).to_contain_text(de_brug.name)
    assert_accessible(page)
    response = page.request.get(pdf_url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.body().startswith(b"%PDF")

    # What works: reach rates by channel, weekday, time of day, visits, partner, variant.
    page.go_back()
    page.locator(f"header nav a[href='{reverse('what_works')}']").click()
    expect(page).to_have_url(url_is(reverse("what_works")))
    tables = page.locator("main table.rate-table")
    expect(tables.first).to_be_visible()
    assert tables.count() >= 5
    for index in range(tables.count()):
        expect(tables.nth(index).locator("caption")).to_have_text(re.compile(r"\S"))
    expect(tables.first.locator("tbody tr").first).to_be_visible()
    assert_accessible(page)
    # Another period: this year so far. (Both dates are typed: the form shows its default
    # period as dd-mm-yyyy, which a date field cannot hold, so the fields start empty.)
    today = timezone.localdate()
    period = page.locator("main form.filters")
    period.locator("[name=start]").fill(f"{today.year}-01-01")
    period.locator("[name=end]").fill((today + timedelta(days=1)).isoformat())
    submit(period)
    expect(page).to_have_url(re.compile(r"[?&]start=\d{4}-01-01"))
    expect(page.locator("main table.rate-table").first).to_be_visible()
    assert_accessible(page)
