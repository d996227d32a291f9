"""Journey 1: an organisation admin invites a colleague, who joins and turns on two-step login.

Everything happens in the browser, as a person would do it; the test itself only reads
the invitation e-mail from the outbox and plays the authenticator app. Elements are
found by field name, URL or data attribute, never by wording, so the test survives
changes to the translations.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from partners.models import Membership, Organisation, Team
from portal.core.models import User
from tests.browser.helpers import (
    answer_two_step,
    enter_password,
    log_out,
    submit,
    url_is,
)
from tests.browser.totp import fresh_totp

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "admin@example.org"
COLLEAGUE_EMAIL = "lies.verbeke@example.org"
COLLEAGUE_NAME = "Lies Verbeke"
COLLEAGUE_PASSWORD = "Kraantje-Water-2026"


def test_admin_invites_a_colleague_who_sets_up_two_step_login(
    demo_world, locmem_mail, page, assert_accessible, save_screenshot, tmp_path
):
    aalst = Organisation.objects.get(name="OCMW Aalst")
    onthaal = Team.objects.get(organisation=aalst, name="Onthaal")
    members_url = reverse("members", args=[aalst.pk])

    # The admin of OCMW Aalst is sent to the login page and logs in. Admins use two-step
    # login: after the password comes the code of the authenticator app (the demo's).
    page.goto("/")
    expect(page).to_have_url(url_is(reverse("account_login")))
    assert_accessible(page)
    enter_password(page, ADMIN_EMAIL)
    expect(page).to_have_url(url_is(reverse("mfa_authenticate")))
    assert_accessible(page)
    answer_two_step(page, ADMIN_EMAIL)
    expect(page).to_have_url(url_is(reverse("dashboard")))
    assert_accessible(page)

    # The members page of OCMW Aalst is in the main menu and on the dashboard.
    expect(page.locator(f"header nav a[href='{members_url}']")).to_have_count(1)
    page.locator(f"main [data-role='org-admin'] a[href='{members_url}']").click()
    expect(page).to_have_url(url_is(members_url))
    expect(page.get_by_role("heading", level=1)).to_contain_text("OCMW Aalst")
    assert_accessible(page)

    # Invite a colleague to the team Onthaal.
    form = page.locator("main form:has(input[name=email])")
    form.locator("input[name=full_name]").fill(COLLEAGUE_NAME)
    form.locator("input[name=email]").fill(COLLEAGUE_EMAIL)
    form.locator("select[name=team]").select_option(str(onthaal.pk))
    form.locator("select[name=role]").select_option(Membership.Role.MEMBER)
    submit(form)
    expect(page.locator(".messages .success")).to_contain_text(COLLEAGUE_EMAIL)
    expect(page).to_have_url(url_is(members_url))
    # Now listed as an open invitation, with a button to revoke it.
    expect(page.locator("main form[action*='/invitations/']")).to_have_count(1)
    expect(page.locator("main")).to_contain_text(COLLEAGUE_NAME)
    assert_accessible(page)

    # The invitation e-mail (sent by the live server thread) carries a single-use link.
    assert [message.to for message in mail.outbox] == [[COLLEAGUE_EMAIL]]
    found = re.search(r"https?://\S+/invitations/[^/\s]+/", mail.outbox[0].body)
    assert found, mail.outbox[0].body
    link = found.group(0)
    assert link.startswith(page.url.removesuffix(members_url))

    log_out(page)
    assert_accessible(page)

    # The colleague opens the link, chooses a password and lands on the dashboard.
    page.goto(link)
    expect(page.locator("main")).to_contain_text(COLLEAGUE_EMAIL)
    assert_accessible(page)
    form = page.locator("main form:has(input[name=password1])")
    expect(form.locator("input[name=full_name]")).to_have_value(COLLEAGUE_NAME)
    form.locator("input[name=full_name]").fill(COLLEAGUE_NAME)
    form.locator("input[name=password1]").fill(COLLEAGUE_PASSWORD)
    form.locator("input[name=password2]").fill(COLLEAGUE_PASSWORD)
    submit(form)
    expect(page).to_have_url(url_is(reverse("dashboard")))
    expect(page.locator("main")).to_contain_text("Onthaal")
    expect(page.locator("main")).to_contain_text("OCMW Aalst")
    assert_accessible(page)

    # "My account", then two-step login in the account menu.
    page.locator(f"header nav a[href='{reverse('account_email')}']").click()
    expect(page).to_have_url(url_is(reverse("account_email")))
    expect(page.locator("main input[type=email]").first).to_have_value(COLLEAGUE_EMAIL)
    assert_accessible(page)
    page.locator(f"main nav a[href='{reverse('mfa_index')}']").click()
    expect(page).to_have_url(url_is(reverse("mfa_index")))
    assert_accessible(page)
    page.locator(f"main a[href='{reverse('mfa_activate_totp')}']").click()

    # Turning it on asks for the password again: the account was made a moment ago, but
    # through the invitation, not through a password login.
    form = page.locator("main form:has(input[name=password])")
    expect(page).to_have_url(url_is(reverse("account_reauthenticate")))
    assert_accessible(page)
    form.locator("input[name=password]").fill(COLLEAGUE_PASSWORD)
    submit(form)
    expect(page).to_have_url(url_is(reverse("mfa_activate_totp")))
    assert_accessible(page)

    # Play the authenticator app: read the secret shown on the page, answer with a code.
    secret = page.locator("#authenticator_secret").input_value().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    form = page.locator("main form:has(input[name=code])")
    form.locator("input[name=code]").fill(fresh_totp(secret))
    submit(form)

    # Activating also made recovery codes: the portal shows them and offers a download.
    expect(page).to_have_url(url_is(reverse("mfa_view_recovery_codes")))
    assert_accessible(page)
    shown = page.locator("#recovery_codes").input_value().split()
    assert len(shown) == 10
    assert all(re.fullmatch(r"\d{8}", code) for code in shown), shown
    with page.expect_download() as download_info:
        page.locator(f"main a[href='{reverse('mfa_download_recovery_codes')}']").click()
    downloaded = tmp_path / "recovery-codes.txt"
    download_info.value.save_as(downloaded)
    assert downloaded.read_text().split() == shown

    # The two-step login page now says the authenticator app is active.
    page.locator(f"main nav a[href='{reverse('mfa_index')}']").click()
    expect(page).to_have_url(url_is(reverse("mfa_index")))
    expect(page.locator(f"main a[href='{reverse('mfa_deactivate_totp')}']")).to_have_count(1)
    expect(page.locator(f"main a[href='{reverse('mfa_activate_totp')}']")).to_have_count(0)
    assert_accessible(page)
    colleague = User.objects.get(email=COLLEAGUE_EMAIL)
    assert sorted(colleague.authenticator_set.values_list("type", flat=True)) == [
        "recovery_codes",
        "totp",
    ]

    # Log out and in again: after the password comes the authenticator step.
    log_out(page)
    enter_password(page, COLLEAGUE_EMAIL, COLLEAGUE_PASSWORD)
    expect(page).to_have_url(url_is(reverse("mfa_authenticate")))
    expect(page.locator("header nav")).to_have_count(0)  # not logged in yet
    assert_accessible(page)
    answer_two_step(page, COLLEAGUE_EMAIL, secret=secret)
    expect(page).to_have_url(url_is(reverse("dashboard")))
    expect(page.locator("main")).to_contain_text("Onthaal")
    assert_accessible(page)
    save_screenshot(page, "dashboard")
