"""What every journey does the same way: find URLs, send forms, log in (with two-step login
when the account has it), move with the keyboard, measure a page on a phone.

Elements are found by field name, URL or data attribute, never by wording, so the tests
survive changes to the translations.
"""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.totp import PERIOD, fresh_totp

DEMO_PASSWORD = "demo-portal-2026"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# WCAG 2.2, 2.5.8 Target Size (Minimum): 24 by 24 CSS pixels.
MIN_TARGET = 24


def url_is(path: str) -> re.Pattern:
    """Matches the live server URL of ``path``, with any query string and fragment (the skip
    link adds #main)."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?[^#]*)?(#[\w-]*)?$")


def submit(form) -> None:
    form.locator("button[type=submit]").first.click()


# Logging in ---------------------------------------------------------------------------

# The portal refuses a code that was used before (per account, for one time step), as an
# authenticator app would show the same code twice within 30 seconds: remember the step
# each account last used and wait for the next one when logging in again that soon.
_used_steps: dict[str, int] = {}


def forget_used_codes() -> None:
    """The portal's record of used codes is gone (an emptied cache): so is ours."""
    _used_steps.clear()


def totp_secret_of(email: str) -> str:
    """The authenticator secret the portal stored for ``email`` (the demo's, or a new one)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def two_step_code(email: str, secret: str | None = None) -> str:
    """The code the authenticator app of ``email`` shows now, never one it already used."""
    secret = secret or totp_secret_of(email)
    step = int(time.time() // PERIOD)
    if _used_steps.get(email) == step:
        time.sleep(PERIOD - time.time() % PERIOD + 0.1)
    code = fresh_totp(secret)
    _used_steps[email] = int(time.time() // PERIOD)
    return code


def enter_password(page, email: str, password: str = DEMO_PASSWORD, *, keyboard=False) -> None:
    """Open the login page and send e-mail address and password."""
    page.goto(reverse("account_login"))
    if keyboard:
        skip_to_content(page)
        type_into(page, "input[name=login]", email)
        type_into(page, "input[name=password]", password)
        tab_to(page, "main form:has(input[name=password]) button[type=submit]")
        page.keyboard.press("Enter")
        return
    form = page.locator("main form:has(input[name=password])")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    submit(form)


def answer_two_step(page, email: str, *, secret: str | None = None, keyboard=False) -> None:
    """On the two-step login page: type the code of the authenticator app and send it."""
    expect(page).to_have_url(url_is(reverse("mfa_authenticate")))
    code = two_step_code(email, secret)
    if keyboard:
        skip_to_content(page)
        type_into(page, "main input[name=code]", code)
        page.keyboard.press("Enter")
    else:
        form = page.locator("main form:has(input[name=code])")
        form.locator("input[name=code]").fill(code)
        submit(form)


def after_password(page, email: str, *, secret: str | None = None, keyboard=False) -> None:
    """Land on the dashboard, answering the two-step login first if the account has one.

    The demo gives members of arrears teams and admins an authenticator; the test plays
    the app with the secret stored for the account (or ``secret``).
    """
    dashboard, two_step = reverse("dashboard"), reverse("mfa_authenticate")
    expect(page).to_have_url(re.compile(rf"{re.escape(dashboard)}|{re.escape(two_step)}"))
    if url_is(two_step).match(page.url):
        answer_two_step(page, email, secret=secret, keyboard=keyboard)
    expect(page).to_have_url(url_is(dashboard))


def log_in(
    page,
    email: str,
    password: str = DEMO_PASSWORD,
    *,
    secret: str | None = None,
    keyboard: bool = False,
) -> None:
    """Log in as ``email`` and land on the dashboard, with two-step login when asked."""
    enter_password(page, email, password, keyboard=keyboard)
    after_password(page, email, secret=secret, keyboard=keyboard)


def log_out(page) -> None:
    logout = f"header form[action='{reverse('account_logout')}']"
    page.locator(f"{logout} button[type=submit]").click()
    expect(page).to_have_url(url_is(reverse("account_login")))
    expect(page.locator(logout)).to_have_count(0)


# Keyboard -----------------------------------------------------------------------------

FOCUS = """selector => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return {matches: false, element: "nothing"};
  }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    matches: el.matches(selector),
    element: el.outerHTML.slice(0, 160),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
      && style.outlineColor !== "rgba(0, 0, 0, 0)",
    shadow: style.boxShadow !== "none",
    inView: box.bottom > 0 && box.right > 0
      && box.top < window.innerHeight && box.left < window.innerWidth,
  };
}"""


def focus_state(page, selector: str = "*") -> dict:
    return page.evaluate(FOCUS, selector)


def assert_focus_visible(page, state: dict | None = None) -> None:
    """The focused element shows an outline or ring and is scrolled into view."""
    state = state or focus_state(page)
    assert state["outline"] or state.get("shadow"), f"no visible focus on {state['element']}"
    assert state["inView"], f"the focused element is out of view: {state['element']}"


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 150) -> None:
    """Press Tab (or Shift+Tab) until ``selector`` has the focus.

    Every element passed on the way must show where the focus is.
    """
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        state = focus_state(page, selector)
        if state["element"] != "nothing":
            assert_focus_visible(page, state)
        if state["matches"]:
            return
    pytest.fail(f"{selector} not reached with {limit} × {key} on {page.url}", pytrace=False)


def focused_is(page, selector: str) -> bool:
    return focus_state(page, selector)["matches"]


def skip_to_content(page) -> None:
    """The first Tab on a page reaches the skip link; Enter moves the focus to <main>."""
    page.keyboard.press("Tab")
    assert focused_is(page, "a.skip-link[href='#main']"), focus_state(page)["element"]
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


# Phones -------------------------------------------------------------------------------

SMALL_TARGETS = """minimum => {
  const controls = document.querySelectorAll(
    "button, .button, input[type=submit], input[type=button], input[type=reset], select");
  const small = [];
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not shown
    if (box.width < minimum || box.height < minimum) {
      small.push(`${el.outerHTML.slice(0, 120)}: ${box.width.toFixed(1)}×${box.height.toFixed(1)}`);
    }
  }
  return small;
}"""


def assert_fits_the_phone(page) -> None:
    """No horizontal scrolling, and every button at least 24 × 24 CSS pixels (WCAG 2.2)."""
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        wide = page.evaluate(
            """width => [...document.querySelectorAll("body *")]
                 .filter(el => el.getBoundingClientRect().right > width + 0.5)
                 .slice(0, 5).map(el => el.outerHTML.slice(0, 120))""",
            width,
        )
        pytest.fail(
            f"{page.url} scrolls sideways at {width} px (scrollWidth {scroll_width}): {wide}",
            pytrace=False,
        )
    small = page.evaluate(SMALL_TARGETS, MIN_TARGET)
    assert not small, f"targets smaller than {MIN_TARGET}×{MIN_TARGET} px on {page.url}: {small}"
