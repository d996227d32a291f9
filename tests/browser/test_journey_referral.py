"""Journeys 2 and 3: an accompanied referral, from the partner's first form to its closing.

Journey 2: a partner worker registers a client with the client's consent, sends the
referral to the OCMW and follows its status. It runs twice: once with the mouse, once
with the keyboard only (Tab, Shift+Tab, Space, Enter, arrow keys and typing), which
proves every control on the way is reachable and operable and shows where the focus is.

Journey 3: at the OCMW a worker acknowledges the referral, the coordinator assigns it to
her, she notes a failed attempt to reach the client, records the contact and plans an
appointment; the partner, who offered to come along, sees its moment and place; the
worker closes the referral and the partner sees that too.

Everything happens in the browser, as people would do it; only journey 2 lets the OCMW
acknowledge behind the scenes (journey 3 does that in the browser). Elements are found by
field name, URL or data attribute, never by wording, so the tests survive changes to the
translations.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from partners.models import Postcode
from portal.core.models import User
from referrals.referrals import services
from referrals.referrals.models import Referral
from tests.browser.helpers import (
    assert_focus_visible,
    focused_is,
    log_in,
    skip_to_content,
    submit,
    tab_to,
    type_into,
    url_is,
)

pytestmark = pytest.mark.browser

PARTNER = "partner@example.org"  # Sara Peeters, Buurthuis De Brug
WORKER = "maatschappelijkwerker@example.org"  # Nadia Janssens, Energie- en watercel, OCMW Aalst
COORDINATOR = "coordinator@example.org"  # An Maes, coordinator of that team
ACCOMPANY = "Dinsdag- en donderdagvoormiddag"
PLACE = "Sociaal Huis, Gasthuisstraat 40, 9300 Aalst"
ATTEMPT_NOTE = "Gebeld op dinsdag om 10 uur: geen antwoord, geen voicemail ingesproken."
CONTACT_NOTE = "We hebben de cliënt gesproken en een afspraak voorgesteld."


def detail_url(referral: Referral) -> str:
    return reverse("referral_detail", args=[referral.pk])


def expect_status(scope, status: str) -> None:
    """The status chip in ``scope`` (a page section, a table row) shows ``status``."""
    expect(scope.locator("[data-status]")).to_have_attribute("data-status", status)


# Mouse (ordinary Playwright actions) -------------------------------------------------


def filter_list(page, **values: str) -> None:
    """Choose the given filters above a list (selects or search field) and show the list."""
    form = page.locator("main form[role=search]")
    for name, value in values.items():
        control = form.locator(f"[name='{name}']")
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    submit(form)
    for name, value in values.items():
        expect(page).to_have_url(re.compile(rf"[?&]{name}={re.escape(value)}(&|#|$)"))


def act(page, action: str, **fields) -> None:
    """Fill in and send one of the action forms on the OCMW's referral page."""
    form = page.locator(f"main form[data-action='{action}']")
    for name, value in fields.items():
        control = form.locator(f"[name='{name}']")
        if value is True:
            control.check()
        elif control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    with page.expect_navigation():
        submit(form)
    expect(page.locator(".messages .success")).to_have_count(1)


def fill_client_and_question(page, name: str, aalst: Postcode) -> None:
    form = page.locator("main form[method=post]")
    form.locator("[name='client-full_name']").fill(name)
    form.locator("[name='client-street']").fill("Pontstraat 12")
    form.locator("[name='client-postcode']").select_option(str(aalst.pk))
    form.locator("[name='client-phone']").fill("0470 12 34 56")
    # Nothing is chosen for the partner: language, channel and contact route start empty.
    form.locator("[name='client-language']").select_option("nl")
    form.locator("[name='client-preferred_channel']").select_option("phone")
    form.locator("[name='client-preferred_times']").fill("'s morgens")
    form.locator("[name='client-closed_envelope']").check()
    form.locator("[name='referral-reason']").select_option("water")
    form.locator("[name='referral-description']").fill(
        "Kreeg een brief over de LAC en weet niet wat te doen."
    )
    form.locator("[name='referral-lac_letter_received']").check()
    session = timezone.localdate() + timedelta(days=21)
    form.locator("[name='referral-lac_session_date']").fill(session.isoformat())
    form.locator("[name='referral-offers_to_accompany']").check()
    form.locator("[name='referral-accompany_availability']").fill(ACCOMPANY)
    form.locator("[name='referral-contact_via']").select_option("direct")


def send_referral_with_the_mouse(page, assert_accessible, name: str) -> Referral:
    """Journey 2's first half: log in as the partner and send a referral for ``name``."""
    aalst = Postcode.objects.get(code="9300", name="Aalst")
    page.goto("/")
    expect(page).to_have_url(url_is(reverse("account_login")))
    log_in(page, PARTNER)
    assert_accessible(page)

    page.locator(f"main [data-role='referrer'] a[href='{reverse('referral_new')}']").click()
    expect(page).to_have_url(url_is(reverse("referral_new")))
    assert_accessible(page)
    fill_client_and_question(page, name, aalst)
    form = page.locator("main form[method=post]")
    form.locator("[name='consent-method'][value='spoken']").check()
    form.locator("[name='consent-given_by']").fill(name)

    # Consent first: without the client's agreement ticked, nothing is sent, the portal
    # says why and everything filled in stays.
    form.locator("button[name=submit]").click()
    expect(page).to_have_url(url_is(reverse("referral_new")))
    expect(page.locator("main .form-errors[role=alert]")).to_have_count(1)
    expect(form.locator("[name='client-full_name']")).to_have_value(name)
    expect(form.locator("[name='client-postcode']")).to_have_value(str(aalst.pk))
    expect(form.locator("[name='referral-offers_to_accompany']")).to_be_checked()
    expect(form.locator("[name='referral-accompany_availability']")).to_have_value(ACCOMPANY)
    expect(form.locator("[name='consent-method'][value='spoken']")).to_be_checked()
    # Each radio group is a fieldset named by its question.
    for group in ("consent-feedback", "consent-method"):
        expect(form.locator(f"fieldset[data-field='{group}']")).to_have_accessible_name(
            re.compile(r"\S")
        )
    assert not Referral.objects.filter(client__full_name=name).exists()
    assert_accessible(page)

    form.locator("[name='consent-share_details']").check()
    form.locator("[name='consent-ocmw_may_contact']").check()
    form.locator("[name='consent-feedback'][value='status']").check()  # not pre-picked
    form.locator("button[name=submit]").click()

    referral = Referral.objects.get(client__full_name=name)
    expect(page).to_have_url(url_is(detail_url(referral)))
    expect(page.locator(".messages .success")).to_contain_text(referral.reference)
    assert_accessible(page)
    return referral


def check_the_referral_was_routed(referral: Referral, name: str) -> None:
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    assert referral.receiving_ocmw.name == "OCMW Aalst"
    assert referral.receiving_team.name == "Energie- en watercel"
    assert referral.referring_team.organisation.name == "Buurthuis De Brug"
    assert referral.offers_to_accompany
    assert referral.accompany_availability == ACCOMPANY
    consent = referral.consent
    assert consent.is_complete
    assert consent.given_by == name
    assert consent.feedback == "status"


def acknowledge_behind_the_scenes(referral: Referral) -> None:
    """The OCMW confirms receipt (journey 3 does this in the browser)."""
    referral.refresh_from_db()
    worker = User.objects.get(email=WORKER)
    services.acknowledge_referral(referral, actor=worker, version=referral.version)


def test_partner_refers_a_client_and_follows_the_status_with_the_mouse(
    demo_world, page, assert_accessible, save_screenshot
):
    name = "Mieke Vermeulen"
    referral = send_referral_with_the_mouse(page, assert_accessible, name)
    check_the_referral_was_routed(referral, name)
    status = page.locator("main [data-role='referral-status']")
    expect_status(status, "submitted")
    save_screenshot(page, "referral-sent")

    # The referral is on the partner's list, also when filtering on open ones or by name.
    page.locator(f"header nav a[href='{reverse('my_referrals')}']").click()
    expect(page).to_have_url(url_is(reverse("my_referrals")))
    row = page.locator(f"main tr[data-referral='{referral.pk}']")
    expect_status(row, "submitted")
    expect(row).to_contain_text(name)
    assert_accessible(page)
    filter_list(page, status="open", q="Vermeulen")
    expect(page.locator("main tbody tr")).to_have_count(1)
    expect(row).to_have_count(1)
    assert_accessible(page)

    # The OCMW confirms receipt: the partner gets a notification that leads to the referral.
    acknowledge_behind_the_scenes(referral)
    page.locator(f"header nav a[href='{reverse('notifications')}']").click()
    expect(page).to_have_url(url_is(reverse("notifications")))
    assert_accessible(page)
    page.locator(f"main a[href='{detail_url(referral)}']").first.click()
    expect(page).to_have_url(url_is(detail_url(referral)))
    expect_status(status, "acknowledged")
    expect(status.locator("dd")).to_have_count(3)  # sent to, sent on, received on
    assert_accessible(page)


# Keyboard only -----------------------------------------------------------------------


def tick(page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked"), selector


def choose_by_typing(page, text: str, value: str) -> None:
    """Type the start of an option into the focused <select> (its type-ahead search).

    The search forgets what was typed after a pause of about a second; on a very busy
    machine the keys may come slower than that, so wait and type again, as a person would.
    """
    for _ in range(3):
        page.keyboard.type(text)
        if page.evaluate("document.activeElement.value") == value:
            return
        page.wait_for_timeout(1_500)
    pytest.fail(f"typing {text!r} did not choose option {value}", pytrace=False)


def test_partner_refers_a_client_and_follows_the_status_with_the_keyboard_only(
    demo_world, page, assert_accessible
):
    name = "Karim El Idrissi"
    aalst = Postcode.objects.get(code="9300", name="Aalst")
    log_in(page, PARTNER, keyboard=True)
    assert_accessible(page)

    # From the dashboard to the new referral form.
    skip_to_content(page)
    tab_to(page, f"main [data-role='referrer'] a[href='{reverse('referral_new')}']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(url_is(reverse("referral_new")))
    assert_accessible(page)

    # 1. The client. A <select> takes typed characters: "9300" picks "9300 Aalst".
    skip_to_content(page)
    type_into(page, "[name='client-full_name']", name)
    type_into(page, "[name='client-street']", "Gentsestraat 7 bus 2")
    tab_to(page, "[name='client-postcode']")
    choose_by_typing(page, "9300", str(aalst.pk))
    type_into(page, "[name='client-phone']", "0470 65 43 21")
    tab_to(page, "[name='client-language']")
    page.keyboard.press("ArrowDown")  # the empty choice -> Dutch
    expect(page.locator("[name='client-language']")).to_have_value("nl")
    tab_to(page, "[name='client-preferred_channel']")
    page.keyboard.press("ArrowDown")  # the empty choice -> phone call
    page.keyboard.press("ArrowDown")  # phone call -> text message
    expect(page.locator("[name='client-preferred_channel']")).to_have_value("sms")
    tick(page, "[name='client-voicemail_allowed']")

    # 2. The question, with an offer to come along to the appointment.
    tab_to(page, "[name='referral-reason']")
    page.keyboard.press("ArrowDown")  # the empty choice -> water bill
    expect(page.locator("[name='referral-reason']")).to_have_value("water")
    type_into(page, "[name='referral-description']", "De waterfactuur is al twee keer te laat.")
    tick(page, "[name='referral-supply_limited']")
    tick(page, "[name='referral-offers_to_accompany']")
    type_into(page, "[name='referral-accompany_availability']", ACCOMPANY)
    tab_to(page, "[name='referral-contact_via']")
    page.keyboard.press("ArrowDown")  # the empty choice -> directly
    expect(page.locator("[name='referral-contact_via']")).to_have_value("direct")

    # 3. Consent: two checkboxes, a radio group moved with the arrow keys, another chosen
    # with Space after coming back to it with Shift+Tab.
    tick(page, "[name='consent-share_details']")
    tick(page, "[name='consent-ocmw_may_contact']")
    tab_to(page, "[name='consent-feedback']")
    assert focused_is(page, "[value='status']")  # none chosen yet: Tab lands on the first
    page.keyboard.press("ArrowDown")
    expect(page.locator("[name='consent-feedback'][value='none']")).to_be_checked()
    page.keyboard.press("ArrowUp")
    expect(page.locator("[name='consent-feedback'][value='status']")).to_be_checked()
    type_into(page, "[name='consent-given_by']", name)
    tab_to(page, "[name='consent-method']", backwards=True)
    page.keyboard.press("Space")
    expect(page.locator("[name='consent-method']:checked")).to_have_count(1)
    assert_focus_visible(page)

    tab_to(page, "button[name=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".messages .success")).to_have_count(1)
    referral = Referral.objects.get(client__full_name=name)
    expect(page).to_have_url(url_is(detail_url(referral)))
    check_the_referral_was_routed(referral, name)
    assert referral.client.voicemail_allowed and referral.supply_limited
    status = page.locator("main [data-role='referral-status']")
    expect_status(status, "submitted")
    assert_accessible(page)

    # Follow it on the list: the main menu, the search field (Enter sends the filter),
    # the reference link.
    tab_to(page, f"header nav a[href='{reverse('my_referrals')}']", backwards=True)
    page.keyboard.press("Enter")
    expect(page).to_have_url(url_is(reverse("my_referrals")))
    skip_to_content(page)
    type_into(page, "main input[name=q]", "Idrissi")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=Idrissi"))
    row = page.locator(f"main tr[data-referral='{referral.pk}']")
    expect(page.locator("main tbody tr")).to_have_count(1)
    expect_status(row, "submitted")
    assert_accessible(page)

    # The status filter is a <select> too: ArrowDown from "all" chooses "still open".
    tab_to(page, "main select[name=status]")
    page.keyboard.press("ArrowDown")
    expect(page.locator("main select[name=status]")).to_have_value("open")
    tab_to(page, "main form[role=search] button[type=submit]")
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"[?&]status=open"))
    expect(row).to_have_count(1)

    # The OCMW confirms receipt; the partner follows the notification to the referral.
    acknowledge_behind_the_scenes(referral)
    tab_to(page, f"header nav a[href='{reverse('notifications')}']", backwards=True)
    page.keyboard.press("Enter")
    expect(page).to_have_url(url_is(reverse("notifications")))
    assert_accessible(page)
    skip_to_content(page)
    tab_to(page, f"main a[href='{detail_url(referral)}']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(url_is(detail_url(referral)))
    expect_status(status, "acknowledged")
    assert_accessible(page)

    # The rest of the page is within reach too: the message box and its button.
    tab_to(page, "main [data-role='messages'] textarea[name=text]")
    tab_to(page, "main [data-role='messages'] button[type=submit]")


# Journey 3 -----------------------------------------------------------------------------


def open_from_inbox(page, assert_accessible, referral: Referral, **filters) -> None:
    """The OCMW worker opens the referral from the team inbox, filtered as given."""
    page.locator(f"header nav a[href='{reverse('referral_inbox')}']").click()
    expect(page).to_have_url(url_is(reverse("referral_inbox")))
    if filters:
        filter_list(page, **filters)
    row = page.locator(f"main tr[data-referral='{referral.pk}']")
    expect(row).to_have_count(1)
    assert_accessible(page)
    row.locator(f"a[href='{detail_url(referral)}']").click()
    expect(page).to_have_url(url_is(detail_url(referral)))


def check_action_controls_are_named(page) -> None:
    """Every control in the action forms has its own accessible name.

    (axe does not catch a <label for> pointing at an id that several forms share.)
    """
    controls = page.locator(
        "main form[data-action] :is(input:not([type=hidden]), select, textarea, button)"
    )
    assert controls.count() > 0
    for index in range(controls.count()):
        expect(controls.nth(index)).to_have_accessible_name(re.compile(r"\S"))


def test_ocmw_works_the_referral_and_the_partner_sees_appointment_and_closing(
    demo_world, page, another_browser, assert_accessible, save_screenshot
):
    """Three people, each at their own computer: the partner (``page``), the OCMW worker
    and the coordinator. Each logs in once."""
    name = "Joke Van den Broeck"
    partner = page
    referral = send_referral_with_the_mouse(partner, assert_accessible, name)
    nadia = User.objects.get(email=WORKER)

    # The worker of the receiving team finds it among the referrals not yet acknowledged.
    worker = another_browser()
    log_in(worker, WORKER)
    assert_accessible(worker)
    worker.locator(
        f"main [data-role='social-worker'] a[href='{reverse('referral_inbox')}']"
    ).click()
    expect(worker).to_have_url(url_is(reverse("referral_inbox")))
    expect_status(worker.locator(f"main tr[data-referral='{referral.pk}']"), "submitted")
    assert_accessible(worker)
    open_from_inbox(worker, assert_accessible, referral, show="waiting")
    expect(worker.locator("main [data-role='question']")).to_contain_text(ACCOMPANY)
    check_action_controls_are_named(worker)
    assert_accessible(worker)

    summary = worker.locator("main [data-role='summary']")
    act(worker, "acknowledge")
    expect_status(summary, "acknowledged")
    expect(worker.locator("main form[data-action='acknowledge']")).to_have_count(0)
    assert_accessible(worker)

    # A first attempt to reach the client fails. The referral page has no log of contact
    # attempts (that comes with a later issue), so she notes it on the timeline, for the
    # OCMW only.
    act(worker, "message", text=ATTEMPT_NOTE)
    attempt = worker.locator("main [data-role='timeline'] li[data-action='message']")
    expect(attempt).to_contain_text(ATTEMPT_NOTE)
    expect(attempt).to_have_attribute("data-shared", "false")
    assert_accessible(worker)

    # Meanwhile the coordinator assigns it to her, seeing each worker's open referrals.
    coordinator = another_browser()
    log_in(coordinator, COORDINATOR)
    open_from_inbox(coordinator, assert_accessible, referral, assignee="nobody")
    expect(coordinator.locator("main ul.load li")).not_to_have_count(0)
    act(coordinator, "assign", worker=str(nadia.pk))
    expect(coordinator.locator("main [data-role='assigned-to']")).to_have_attribute(
        "data-user", str(nadia.pk)
    )
    assert_accessible(coordinator)

    # The worker's page is now out of date: saving the contact from it is refused, with a
    # message and her text kept, instead of silently overwriting the assignment.
    contact_form = worker.locator("main form[data-action='record_contact']")
    contact_form.locator("[name=message]").fill(CONTACT_NOTE)
    with worker.expect_navigation():
        submit(contact_form)
    expect(worker.locator(".messages .error")).to_have_count(1)
    expect(contact_form.locator(".form-errors[role=alert]")).to_have_count(1)
    expect(contact_form.locator("[name=message]")).to_have_value(CONTACT_NOTE)
    expect_status(summary, "acknowledged")
    assert_accessible(worker)

    # She opens it again under "assigned to me", records the contact (shared with the
    # partner) and plans an appointment.
    open_from_inbox(worker, assert_accessible, referral, assignee="me")
    act(worker, "record_contact", message=CONTACT_NOTE, share=True)
    expect_status(summary, "contact_made")
    contact = worker.locator("main [data-role='timeline'] li[data-action='record_contact']")
    expect(contact).to_contain_text(CONTACT_NOTE)
    expect(contact).to_have_attribute("data-shared", "true")
    expect(worker.locator("main form[data-action='record_contact']")).to_have_count(0)
    assert_accessible(worker)

    moment = (timezone.localtime() + timedelta(days=7)).replace(
        hour=10, minute=30, second=0, microsecond=0
    )
    # Forgetting the place gets a message at the field; what was filled in stays.
    planning = worker.locator("main form[data-action='plan_appointment']")
    planning.locator("[name=at]").fill(moment.strftime("%Y-%m-%dT%H:%M"))
    with worker.expect_navigation():
        submit(planning)
    expect(planning.locator(".form-errors[role=alert]")).to_have_count(1)
    place = planning.locator("[name=place]")
    expect(place).to_have_attribute("aria-invalid", "true")
    # The error, and the character counter forms.js adds, describe the field.
    described = place.get_attribute("aria-describedby").split()
    assert any(name.endswith("_error") for name in described)
    for name in described:
        expect(worker.locator(f"[id='{name}']")).to_have_count(1)
    expect(place).to_have_accessible_description(re.compile(r"\S"))
    expect(planning.locator("[name=at]")).to_have_value(moment.strftime("%Y-%m-%dT%H:%M"))
    expect_status(summary, "contact_made")
    check_action_controls_are_named(worker)
    assert_accessible(worker)
    act(worker, "plan_appointment", place=PLACE)
    expect_status(summary, "appointment")
    check_action_controls_are_named(worker)
    assert_accessible(worker)

    # The partner offered to come along, so she sees the moment and the place, and the
    # message shared with her, but not the OCMW's internal note.
    partner.locator(f"header nav a[href='{reverse('my_referrals')}']").click()
    row = partner.locator(f"main tr[data-referral='{referral.pk}']")
    expect_status(row, "appointment")
    assert_accessible(partner)
    row.locator(f"a[href='{detail_url(referral)}']").click()
    expect(partner).to_have_url(url_is(detail_url(referral)))
    status = partner.locator("main [data-role='referral-status']")
    expect_status(status, "appointment")
    appointment = status.locator("[data-role='appointment']")
    expect(appointment).to_contain_text(moment.strftime("%d/%m/%Y %H:%M"))
    expect(appointment).to_contain_text(PLACE)
    expect(partner.locator("main [data-role='messages']")).to_contain_text(CONTACT_NOTE)
    expect(partner.locator("main")).not_to_contain_text(ATTEMPT_NOTE)
    assert_accessible(partner)
    save_screenshot(partner, "referral-appointment-partner")

    # After the appointment the worker closes the referral: the client was helped.
    act(worker, "close", outcome="helped")
    expect_status(summary, "closed")
    expect(worker.locator("main form[data-action='close']")).to_have_count(0)
    expect(worker.locator("main form[data-action='plan_appointment']")).to_have_count(0)
    assert_accessible(worker)
    # Closed referrals leave the default (open) inbox and are under "finished".
    worker.locator(f"header nav a[href='{reverse('referral_inbox')}']").click()
    expect(worker).to_have_url(url_is(reverse("referral_inbox")))
    row = worker.locator(f"main tr[data-referral='{referral.pk}']")
    expect(row).to_have_count(0)
    filter_list(worker, show="closed")
    expect_status(row, "closed")
    assert_accessible(worker)

    # The partner sees it closed, with the outcome, on the list and on the referral.
    partner.locator(f"header nav a[href='{reverse('my_referrals')}']").click()
    filter_list(partner, status="closed")
    row = partner.locator(f"main tr[data-referral='{referral.pk}']")
    expect_status(row, "closed")
    assert_accessible(partner)
    row.locator(f"a[href='{detail_url(referral)}']").click()
    status = partner.locator("main [data-role='referral-status']")
    expect_status(status, "closed")
    expect(status.locator("[data-role='closed']")).to_contain_text(
        timezone.localdate().strftime("%d/%m/%Y")
    )
    assert_accessible(partner)

    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    assert referral.outcome == Referral.Outcome.HELPED
    assert referral.assigned_to == nadia
    assert referral.first_contact_at is not None
    assert timezone.localtime(referral.appointment_at) == moment
    assert referral.appointment_place == PLACE
