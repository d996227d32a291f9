"""Browser tests: Playwright's sync API driving Debian's Chromium against ``live_server``.

Every test here is marked ``browser``. Without Chromium the tests are skipped with a
message, except on CI (``CI=true``), where a missing browser is a failure.
With ``PORTAL_SCREENSHOTS=true`` the journeys also save screenshots to docs/screenshots/.
"""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.browser.helpers import PHONE, forget_used_codes

# Playwright's sync API runs an asyncio event loop in this thread; without this, Django
# refuses ORM calls from the test code (seeding, reading the database) while it runs.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=nl-BE",
]
# Chromium's own language decides the order of day and month in date fields (Playwright's
# ``locale`` does not). On Linux it comes from the environment rather than from --lang, and
# only languages whose translations are installed count (Debian: chromium-l10n). Chromium
# has no separate Belgian Dutch: dates show as 27-11-2026, day first.
CHROMIUM_ENV = {"LANGUAGE": "nl_BE:nl", "LANG": "nl_BE.UTF-8"}
CHROMIUM_DUTCH = Path("/usr/lib/chromium/locales/nl.pak")
# WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LOCMEM_MAILERS = {
    "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}
}


def require_chromium() -> None:
    """Skip (or, on CI, fail) when Debian's Chromium is not installed."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (each test gets its own context)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # chromium.launch() gives every launch a fresh, temporary user-data dir.
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, **CHROMIUM_ENV},
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the test item, so ``page`` can see a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def new_context(browser, live_server, **options):
    """A fresh browser context (no cookies), Dutch (Belgium), pointed at the live server."""
    settings = {
        "base_url": live_server.url,
        "locale": "nl-BE",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    } | options
    context = browser.new_context(**settings)
    context.set_default_timeout(10_000)
    return context


def screenshot_on_failure(request, page, path: Path) -> None:
    """When the test failed, save a screenshot of ``page`` and print its path."""
    from playwright.sync_api import Error as PlaywrightError

    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    try:
        page.screenshot(path=str(path), full_page=True)
        print(f"\nScreenshot of {page.url} at failure: {path}")
    except PlaywrightError as error:  # a failed screenshot must not hide the test's failure
        print(f"\nNo screenshot at failure: {error}")


@pytest.fixture
def page(browser, live_server, request, tmp_path):
    """A fresh browser context (no cookies) and page, Dutch, pointed at the live server.

    When the test fails, a screenshot of the page is saved and its path printed.
    """
    context = new_context(browser, live_server)
    page = context.new_page()
    yield page
    screenshot_on_failure(request, page, tmp_path / "failure.png")
    context.close()


@pytest.fixture
def another_browser(browser, live_server, request, tmp_path):
    """``another_browser(**options)``: a page for another person at another device, set up
    like ``page`` (own cookies, Dutch); the options go to Playwright's ``new_context``
    (e.g. ``phone=True`` for a 375 px wide touch screen). These pages are screenshot too
    when the test fails."""
    contexts = []

    def open_page(*, phone: bool = False, **options):
        if phone:
            options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} | options
        context = new_context(browser, live_server, **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for number, context in enumerate(contexts, start=2):
        for other in context.pages:
            screenshot_on_failure(request, other, tmp_path / f"failure-person-{number}.png")
        context.close()


@pytest.fixture
def phone(another_browser):
    """A page on a phone: 375 × 740 CSS pixels, touch screen, mobile browser."""
    return another_browser(phone=True)


@pytest.fixture
def demo_world(transactional_db):
    """The demo world of ``seed_demo``, committed, so the live server thread sees it.

    Every browser test starts from an emptied database (transactional tests) and an empty
    cache (login rate limits, used two-step codes), so ``seed_demo`` builds it all anew.
    """
    cache.clear()
    forget_used_codes()
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def locmem_mail(settings):
    """Send mail to ``django.core.mail.outbox`` (shared with the live server thread)."""
    settings.MAILERS = LOCMEM_MAILERS
    from django.core import mail

    mail.outbox = []
    return mail.outbox


def format_violations(violations: list[dict], url: str) -> str:
    lines = [f"{len(violations)} accessibility violation(s) (axe, WCAG A/AA) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation.get('impact')}]: {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"       {line}" for line in summary.splitlines())
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """``assert_accessible(page)``: fail with a readable list when axe finds WCAG A/AA issues."""

    def check(page) -> None:
        results = axe.run(
            page,
            options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        violations = results.response["violations"]
        if violations:
            pytest.fail(format_violations(violations, page.url), pytrace=False)

    return check


@pytest.fixture
def save_screenshot():
    """``save_screenshot(page, name)``: docs/screenshots/<name>.png if PORTAL_SCREENSHOTS=true.

    Only what is in the window (not the whole page), so the images stay small."""

    def save(page, name: str) -> None:
        if os.environ.get("PORTAL_SCREENSHOTS", "").lower() not in {"1", "true", "yes"}:
            return
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"))

    return save
