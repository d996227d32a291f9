"""The account menu: every page of "My account" is reachable from the menu and accessible."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

ACCOUNT_PAGES = ["account_email", "account_change_password", "mfa_index", "usersessions_list"]


def test_account_menu_leads_to_every_account_page(demo_world, page, assert_accessible):
    log_in(page, "onthaal@example.org")

    page.locator(f"header nav a[href='{reverse('account_email')}']").click()
    for name in ACCOUNT_PAGES:
        url = reverse(name)
        page.locator(f"main nav a[href='{url}']").click()
        expect(page).to_have_url(re.compile(rf"{re.escape(url)}$"))
        expect(page.locator("main nav a[aria-current='page']")).to_have_attribute("href", url)
        assert_accessible(page)
