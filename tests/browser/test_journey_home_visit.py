"""Journey 4: an OCMW worker plans a home visit, checks in and out, and logs an attempt,
all on a phone.

The safety log of home visits is used from a phone browser at the client's door: the
visit's address and time window are registered with the team before leaving, the team
board shows who is out where, the worker taps "I have arrived" and, leaving, records the
result. Every page on the way fits a 375 px wide screen without sideways scrolling and has
buttons of at least 24 × 24 CSS pixels (WCAG 2.2, target size).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal.core.models import User
from referrals.cases.models import Case
from referrals.outreach.models import ContactAttempt, HomeVisit
from tests.browser.helpers import assert_fits_the_phone, log_in, submit, url_is

pytestmark = pytest.mark.browser

WORKER = "maatschappelijkwerker@example.org"  # Nadia Janssens, Energie- en watercel, OCMW Aalst
SECOND = "coordinator@example.org"  # An Maes, the same team
CLIENT = "Gert Maes"  # on the LAC list of OCMW Aalst (referrals/data/lac-list-aalst.csv)
VISIT_NOTE = "Mevrouw was thuis, afspraak gemaakt op het Sociaal Huis."
ATTEMPT_NOTE = "Gebeld om 9 uur, niemand nam op."


def test_worker_plans_a_home_visit_and_checks_in_and_out_on_a_phone(
    demo_world, phone, assert_accessible
):
    case = Case.objects.get(client__full_name=CLIENT, ocmw__name="OCMW Aalst")
    nadia, an = User.objects.get(email=WORKER), User.objects.get(email=SECOND)

    def check(page) -> None:
        assert_accessible(page)
        assert_fits_the_phone(page)

    log_in(phone, WORKER)
    check(phone)

    # The case list, searched by the client's name.
    phone.locator(f"header nav a[href='{reverse('case_list')}']").click()
    expect(phone).to_have_url(url_is(reverse("case_list")))
    check(phone)
    search = phone.locator("main form[role=search]")
    search.locator("[name=q]").fill("Maes")
    submit(search)
    expect(phone).to_have_url(url_is(reverse("case_list")))
    row = phone.locator("main tbody tr")
    expect(row).to_have_count(1)
    check(phone)
    detail = reverse("case_detail", args=[case.pk])
    row.locator(f"a[href='{detail}']").click()
    expect(phone).to_have_url(url_is(detail))
    check(phone)

    # Plan the visit: the window is filled in (from now, for an hour); she goes with An.
    phone.locator(f"main a[href='{reverse('visit_new', args=[case.pk])}']").click()
    expect(phone).to_have_url(url_is(reverse("visit_new", args=[case.pk])))
    check(phone)
    form = phone.locator("main form[method=post]")
    expect(form.locator("[name=start]")).not_to_have_value("")
    expect(form.locator("[name=end]")).not_to_have_value("")
    expect(form.locator("[name=announced]")).to_be_checked()
    form.locator("[name=second_worker]").select_option(str(an.pk))
    submit(form)
    visit = HomeVisit.objects.get(case=case)
    expect(phone).to_have_url(url_is(reverse("visit_detail", args=[visit.pk])))
    page_of_visit = phone.locator("main [data-visit-status]")
    expect(page_of_visit).to_have_attribute("data-visit-status", "planned")
    assert visit.worker == nadia and visit.second_worker == an
    assert visit.address.startswith(case.client.street)
    check(phone)

    # The team board shows who is out where, until when.
    phone.locator(f"main a[href='{reverse('visit_board')}']").click()
    expect(phone).to_have_url(url_is(reverse("visit_board")))
    visit_link = phone.locator(f"main a[href='{reverse('visit_detail', args=[visit.pk])}']")
    expect(visit_link).to_have_count(1)
    check(phone)
    visit_link.click()

    # At the door: "I have arrived".
    check_in = reverse("visit_action", args=[visit.pk, "check-in"])
    phone.locator(f"main form[action='{check_in}'] button[type=submit]").tap()
    expect(page_of_visit).to_have_attribute("data-visit-status", "on_site")
    expect(phone.locator(".messages .success")).to_have_count(1)
    expect(phone.locator(f"main form[action='{check_in}']")).to_have_count(0)
    check(phone)

    # Leaving: the result of the visit, with a short note.
    check_out = phone.locator(
        f"main form[action='{reverse('visit_action', args=[visit.pk, 'check-out'])}']"
    )
    check_out.locator("[name=outcome]").select_option("appointment")
    check_out.locator("[name=note]").fill(VISIT_NOTE)
    check_out.locator("button[type=submit]").tap()
    expect(page_of_visit).to_have_attribute("data-visit-status", "done")
    expect(phone.locator("main form")).to_have_count(0)
    check(phone)

    visit.refresh_from_db()
    assert visit.status == HomeVisit.Status.DONE
    assert visit.checked_in_at <= visit.checked_out_at
    assert visit.attempt.channel == ContactAttempt.Channel.VISIT_ANNOUNCED
    assert visit.attempt.outcome == ContactAttempt.Outcome.APPOINTMENT
    assert visit.attempt.note == VISIT_NOTE

    # The board no longer lists it.
    phone.locator(f"header nav a[href='{reverse('visit_board')}']").click()
    expect(phone).to_have_url(url_is(reverse("visit_board")))
    expect(visit_link).to_have_count(0)
    check(phone)

    # Back to the case, where the visit is on the list of attempts; log a phone call too.
    phone.goto(detail)
    expect(phone.locator("main ol.timeline").first).to_contain_text(VISIT_NOTE)
    phone.locator(f"main a[href='{reverse('attempt_new', args=[case.pk])}']").click()
    expect(phone).to_have_url(url_is(reverse("attempt_new", args=[case.pk])))
    check(phone)
    form = phone.locator("main form[method=post]")
    expect(form.locator("[name=moment]")).not_to_have_value("")  # now, filled in
    form.locator("[name=channel]").select_option(ContactAttempt.Channel.PHONE)
    form.locator("[name=outcome]").select_option(ContactAttempt.Outcome.NO_ANSWER)
    form.locator("[name=note]").fill(ATTEMPT_NOTE)
    form.locator("button[type=submit]").tap()
    expect(phone).to_have_url(url_is(detail))
    expect(phone.locator(".messages .success")).to_have_count(1)
    expect(phone.locator("main ol.timeline").first).to_contain_text(ATTEMPT_NOTE)
    check(phone)

    attempt = case.attempts.get(note=ATTEMPT_NOTE)
    assert (attempt.channel, attempt.outcome, attempt.worker) == ("phone", "no_answer", nadia)
