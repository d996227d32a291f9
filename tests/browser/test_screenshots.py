"""The main page of every role, on a computer and on a phone; with PORTAL_SCREENSHOTS=true
also saved as docs/screenshots/<role>-desktop.png and <role>-phone.png for the README.

    PORTAL_SCREENSHOTS=true .venv/bin/pytest tests/browser/test_screenshots.py

Without the variable the test still logs in as each role and checks each dashboard with
axe, and on the phone for sideways scrolling and small buttons.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, assert_fits_the_phone, log_in, url_is

pytestmark = pytest.mark.browser

# (file name, demo account): the roles of the design brief.
ROLES = [
    ("partner-worker", "partner@example.org"),
    ("internal-team", "opbouwwerker@example.org"),
    ("social-worker", "maatschappelijkwerker@example.org"),
    ("coordinator", "coordinator@example.org"),
    ("organisation-admin", "admin@example.org"),
    ("platform-admin", "platform@example.org"),
]


def test_the_dashboard_of_every_role_on_a_computer_and_a_phone(
    demo_world, another_browser, assert_accessible, save_screenshot
):
    for role, email in ROLES:
        desktop = another_browser(viewport=DESKTOP)
        log_in(desktop, email)
        desktop.reload()  # without the "you are logged in" message
        expect(desktop.locator(".messages")).to_have_count(0)
        assert_accessible(desktop)
        save_screenshot(desktop, f"{role}-desktop")

        # The same person, logged in, on a phone.
        phone = another_browser(phone=True, storage_state=desktop.context.storage_state())
        phone.goto(reverse("dashboard"))
        expect(phone).to_have_url(url_is(reverse("dashboard")))
        assert_accessible(phone)
        assert_fits_the_phone(phone)
        save_screenshot(phone, f"{role}-phone")
        desktop.context.close()
        phone.context.close()
