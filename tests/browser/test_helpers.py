"""The browser-test helpers themselves: TOTP, ``assert_accessible``, ``assert_fits_the_phone``."""

import pytest

from tests.browser.conftest import CHROMIUM_DUTCH
from tests.browser.helpers import assert_fits_the_phone
from tests.browser.totp import totp

pytestmark = pytest.mark.browser

# RFC 6238, appendix B: SHA-1, 8 digits, the ASCII secret "12345678901234567890".
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


@pytest.mark.parametrize(
    ("at", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_totp_matches_the_rfc_6238_test_vectors(at, code):
    assert totp(RFC_SECRET, at, digits=8) == code


def test_totp_agrees_with_allauth():
    from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value

    secret = generate_totp_secret()
    at = 1_780_000_000
    assert totp(secret, at) == format_hotp_value(hotp_value(secret, at // 30))


def test_assert_accessible_lists_the_violations(page, assert_accessible):
    page.set_content(
        '<html lang="nl"><head><title>Test</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<label>Naam</label><input id="naam" name="naam">'
        "</main></body></html>"
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(page)
    message = str(failure.value)
    assert "image-alt" in message
    assert "label" in message
    assert "img" in message  # the target selector
    assert "#naam" in message


def test_assert_fits_the_phone_finds_sideways_scrolling_and_small_buttons(phone):
    page = phone
    assert page.viewport_size == {"width": 375, "height": 740}
    head = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    fits = '<main><p>Past.</p><button style="min-width:24px;min-height:24px">OK</button></main>'
    page.set_content(head + fits)
    assert_fits_the_phone(page)

    page.set_content(head + '<main><div style="width: 500px">Te breed</div></main>')
    with pytest.raises(pytest.fail.Exception, match="scrolls sideways at 375 px"):
        assert_fits_the_phone(page)

    page.set_content(head + '<main><button style="padding:0;font-size:10px">x</button></main>')
    with pytest.raises(AssertionError, match="smaller than 24×24"):
        assert_fits_the_phone(page)


def test_date_fields_put_the_day_before_the_month(page):
    """Typing 27112026 into a date field gives 27 November 2026, as a Belgian would type it."""
    if not CHROMIUM_DUTCH.is_file():
        pytest.skip(f"Chromium has no Dutch ({CHROMIUM_DUTCH}): apt-get install chromium-l10n")
    page.set_content('<html lang="nl-BE"><label for="d">Datum</label><input type="date" id="d">')
    page.locator("#d").focus()
    page.keyboard.type("27112026")
    assert page.locator("#d").input_value() == "2026-11-27"
