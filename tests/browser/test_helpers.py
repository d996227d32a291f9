"""The browser-test helpers themselves: the TOTP implementation and ``assert_accessible``."""

import pytest

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
