"""Webhooks: referral status events sent to an organisation's own system.

How it works:

1. An organisation admin registers an HTTPS address and gets a shared secret
   (shown once; stored encrypted, because the portal needs it to sign).
2. Every referral status change (``referrals.referrals.services._move``) calls
   ``referral_event``, which writes one ``WebhookDelivery`` per interested
   endpoint *in the same transaction* as the change, so an event is never
   lost, and asks the task backend to send them after commit.
3. ``attempt`` posts the JSON body, signed the Standard Webhooks way
   (https://www.standardwebhooks.com/): ``webhook-id`` (the delivery, the same
   on every retry), ``webhook-timestamp`` and ``webhook-signature``, an
   HMAC-SHA256 over all three, so a captured delivery cannot be replayed later
   (``verify`` is the receiver's check). A failure is retried with exponential
   backoff by ``manage.py deliver_webhooks`` (run it from cron).
4. The address is checked by one function, ``check_address``, when it is saved
   and again when it is sent to; at sending time the name is resolved once,
   every address is checked, and the connection goes to those addresses.

What is sent follows the API's visibility rules: the referring organisation
gets what its workers see in the API (reference and, while consent allows
feedback, the status); the receiving OCMW gets the referral's routing and
status. Neither gets client details, descriptions or case data: an endpoint is
registered by an organisation admin, who may not see referrals themselves, and
whoever needs the details fetches them through the API with their own token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import re
import secrets
import socket
import time
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import NamedTuple
from urllib.parse import urlsplit

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core import sealing
from portal.core.models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger("portal.core.webhooks")

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
EVENT_HEADER = "X-Portal-Event"

# Referral service action -> event name. Other actions (assigning, messages,
# consent withdrawal) change no status and send nothing.
# What a referrer without feedback consent is told: that something changed, not what.

BACKOFF_START = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}
HOST_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")


# The secret ------------------------------------------------------------------------


def new_secret() -> str:
    """``whsec_`` + standard base64 of 32 random key bytes, as Standard Webhooks has it.

    Secrets made before the portal signed that way are ``whsec_`` + URL-safe
    base64 without padding (``secrets.token_urlsafe``). They stay valid:
    ``signing_key`` reads both alphabets, so they sign with the 32 bytes they
    always encoded. Only libraries that read the secret string with the standard
    alphabet alone (the Python ``standardwebhooks``) misread an old one that has
    a ``-`` or ``_`` in it; give those the key bytes, or make a new secret.
    """
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def encrypt_secret(secret: str) -> str:
    return sealing.seal(secret, purpose="webhooks")


def decrypt_secret(endpoint: WebhookEndpoint) -> str:
    return sealing.unseal(endpoint.encrypted_secret, purpose="webhooks")


def signing_key(secret: str) -> bytes:
    """The HMAC key: the bytes the secret's base64 encodes (either alphabet, see new_secret)."""
    text = secret.removeprefix("whsec_")
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header: ``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body``."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class SignatureError(ValueError):
    """A delivery that must not be trusted (for receivers and tests; never shown to people)."""


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance: int = 300,
    now: float | datetime | None = None,
) -> dict:
    """Check a delivery as its receiver should, and return the parsed payload.

    Refuses missing headers, a ``webhook-timestamp`` more than ``tolerance``
    seconds from ``now`` (a replay, or a clock that is off) and a body, id or
    timestamp that no ``v1`` signature in the header covers.
    """
    headers = {key.lower(): value for key, value in headers.items()}
    try:
        msg_id, timestamp = headers[ID_HEADER], int(headers[TIMESTAMP_HEADER])
        offered = headers[SIGNATURE_HEADER].split()
    except (KeyError, ValueError):
        raise SignatureError("missing or malformed webhook headers") from None
    if isinstance(now, datetime):
        now = now.timestamp()
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance window")
    expected = sign(secret, msg_id, timestamp, body).encode()
    if not any(hmac.compare_digest(expected, value.encode()) for value in offered):
        raise SignatureError("no matching signature")
    return json.loads(body)


# The address -----------------------------------------------------------------------


class Destination(NamedTuple):
    host: str  # as in the URL, for the Host header and the TLS name check
    port: int
    local: bool  # this machine, allowed by PORTAL_WEBHOOK_ALLOW_LOCALHOST
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None  # when the URL holds one


def _is_local(host: str) -> bool:
    """This machine, written the plain way. Other spellings get no exception."""
    if host in LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback and not getattr(ip, "ipv4_mapped", None)


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``host`` read as an address the way the resolver reads it, or None for a name.

    ``inet_aton`` takes the old forms ``ipaddress`` refuses (``2130706433``,
    ``0x7f000001``, ``127.1``, ``0177.0.0.1``); an IPv4 address mapped into IPv6
    (``::ffff:127.0.0.1``) is judged as the IPv4 address it is.
    """
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        try:
            ip = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return (ip.ipv4_mapped or ip) if ip.version == 6 else ip


def _internal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return not ip.is_global or ip.is_multicast


def check_address(url: str) -> Destination:
    """HTTPS to a public address; plain HTTP only to this machine, where allowed.

    The one check, when an address is saved and again before every send (the
    rules may have tightened since it was saved). Names are resolved only when
    sending (``_resolve``), against the same rules.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    name = host.rstrip(".")  # "localhost." is localhost
    ip = _ip(name)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        well_formed = ip is not None or bool(HOST_NAME.fullmatch(name.encode("idna").decode()))
    except (ValueError, UnicodeError):  # a port out of range, an empty label
        well_formed = False
    if parts.scheme not in {"http", "https"} or not well_formed:
        raise ValidationError(_("Enter a full address that starts with https://."))
    if parts.username or parts.password:
        raise ValidationError(_("Leave the user name and password out of the address."))
    if _is_local(host):
        if not settings.PORTAL_WEBHOOK_ALLOW_LOCALHOST:
            raise ValidationError(_("The address must be reachable on the internet."))
        return Destination(host, port, True, ip)
    if (ip is not None and _internal(ip)) or name == "localhost" or name.endswith(".localhost"):
        raise ValidationError(_("The address must be reachable on the internet."))
    if parts.scheme != "https":
        raise ValidationError(
            _("Use an https:// address. Plain http:// is only allowed for localhost.")
        )
    return Destination(host, port, False, ip)


def validate_url(url: str) -> None:
    """The check when an address is saved (forms and services)."""
    check_address(url)


def _resolve(destination: Destination) -> list[tuple[int, tuple]]:
    """Look the name up once; every address must pass, and only these are connected to."""
    if destination.ip is not None:
        family = socket.AF_INET if destination.ip.version == 4 else socket.AF_INET6
        return [(family, (str(destination.ip), destination.port))]
    found = socket.getaddrinfo(destination.host, destination.port, type=socket.SOCK_STREAM)
    addresses: list[tuple[int, tuple]] = [(info[0], info[4]) for info in found]
    for _family, sockaddr in addresses:
        ip = _ip(str(sockaddr[0]))
        if ip is None or (not ip.is_loopback if destination.local else _internal(ip)):
            raise ValueError(f"{destination.host} resolves to a non-public address {sockaddr[0]}")
    return addresses


# Managing endpoints (organisation admins) ---------------------------------------------


# Events ------------------------------------------------------------------------------


def enqueue(keys: list) -> None:
    from portal.core import tasks

    tasks.enqueue(tasks.deliver_webhooks, [str(key) for key in keys])


# Sending -----------------------------------------------------------------------------


class _CheckedConnection(http.client.HTTPConnection):
    """Connects to the addresses ``_resolve`` checked, never looking the name up again.

    The Host header and, over HTTPS, SNI and the certificate check still use the
    name in the URL (``self.host``). http.client follows no redirects and no
    proxy, so a redirect is just a failed attempt.
    """

    def __init__(self, *args, addresses: list[tuple[int, tuple]], **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = lambda _address, timeout, _source=None: _connect(
            addresses, timeout
        )


class _CheckedHTTPSConnection(_CheckedConnection, http.client.HTTPSConnection):
    pass


def _connect(addresses: list[tuple[int, tuple]], timeout: float) -> socket.socket:
    """The first of ``addresses`` that answers (like socket.create_connection)."""
    error: OSError = ConnectionError("no address to connect to")
    for family, sockaddr in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as failure:
            sock.close()
            error = failure
    raise error


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST to ``url`` after the send-time check. Returns the status and its reason."""
    destination = check_address(url)
    parts = urlsplit(url.strip())
    connection = (_CheckedHTTPSConnection if parts.scheme == "https" else _CheckedConnection)(
        destination.host,
        destination.port,
        timeout=settings.PORTAL_WEBHOOK_TIMEOUT,
        addresses=_resolve(destination),
    )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body, headers)
        answer = connection.getresponse()
        answer.read()
        return answer.status, answer.reason
    finally:
        connection.close()


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd … failed attempt, at most 6 hours."""
    return min(BACKOFF_START * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def _send(delivery: WebhookDelivery, now: datetime) -> tuple[int | None, str]:
    endpoint = delivery.endpoint
    body = json.dumps(
        {**delivery.payload, "sent_at": now.isoformat()},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    try:
        secret = decrypt_secret(endpoint)
    except InvalidToken:
        return None, "The secret cannot be read (SECRET_KEY changed): rotate it."
    msg_id, timestamp = str(delivery.uuid), int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "LAC-water-portal-webhooks/1",
        EVENT_HEADER: delivery.event,
        ID_HEADER: msg_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, msg_id, timestamp, body),
    }
    try:
        status, reason = _post(endpoint.url, body, headers)
    except ValidationError as error:  # saved before the check was as strict as it is now
        return None, " ".join(error.messages)[:300]
    except (OSError, ValueError, http.client.HTTPException) as error:  # DNS, timeouts, refusals
        return None, f"{type(error).__name__}: {error}"[:300]
    return status, "" if 200 <= status < 300 else f"HTTP {status} {reason}"[:300]


def attempt(key: str) -> str:
    """Try one due delivery once. Returns delivered, retry, failed or skipped.

    The row is claimed with a conditional UPDATE first, so two workers (or the
    task and the cron command) never send the same delivery at the same time.
    """
    now = timezone.now()
    lease = now + timedelta(seconds=settings.PORTAL_WEBHOOK_TIMEOUT * 3)
    claimed = WebhookDelivery.objects.filter(
        uuid=key, next_attempt_at__lte=now, delivered_at__isnull=True, failed_at__isnull=True
    ).update(next_attempt_at=lease)
    if not claimed:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(uuid=key)
    if delivery.endpoint.is_active:
        code, error = _send(delivery, now)
    else:
        code, error = None, "The webhook is switched off."
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = code
    delivery.last_error = error
    if code is not None and 200 <= code < 300:
        outcome = "delivered"
        delivery.delivered_at, delivery.next_attempt_at = timezone.now(), None
    elif (
        delivery.attempts >= settings.PORTAL_WEBHOOK_MAX_ATTEMPTS or not delivery.endpoint.is_active
    ):
        outcome = "failed"
        delivery.failed_at, delivery.next_attempt_at = timezone.now(), None
    else:
        outcome = "retry"
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "delivered_at",
            "failed_at",
            "next_attempt_at",
        ]
    )
    if outcome != "delivered":
        logger.warning(
            "webhook delivery=%s endpoint=%s attempt=%s %s: %s",
            delivery.uuid,
            delivery.endpoint_id,
            delivery.attempts,
            outcome,
            error or code,
        )
    return outcome


def deliver_due(*, limit: int = 500) -> Counter:
    """Try every delivery whose time has come (oldest first). For the cron command."""
    keys = list(
        WebhookDelivery.objects.filter(next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("uuid", flat=True)[:limit]
    )
    return Counter(attempt(str(key)) for key in keys)
