"""A small RFC 6238 (TOTP) implementation, independent of the code under test."""

import base64
import hashlib
import hmac
import struct
import time

PERIOD = 30
DIGITS = 6


def totp(
    secret: str, at: float | None = None, *, period: int = PERIOD, digits: int = DIGITS
) -> str:
    """The code an authenticator app shows for the base32 ``secret`` at time ``at`` (now)."""
    key = base64.b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def fresh_totp(secret: str, *, margin: float = 5.0, period: int = PERIOD) -> str:
    """A code that stays valid for at least ``margin`` seconds (the portal allows no drift)."""
    left = period - time.time() % period
    if left < margin:
        time.sleep(left + 0.1)
    return totp(secret, period=period)
