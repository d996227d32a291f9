"""Webhooks: referral status events sent to an organisation's own system.

How it works:

1. An organisation admin registers an HTTPS address and gets a shared secret
   (shown once; stored encrypted, because the portal needs it to sign).
2. Every referral status change (``referrals.referrals.services._move``) calls
   ``referral_event``, which writes one ``WebhookDelivery`` per interested
   endpoint *in the same transaction* as the change, so an event is never
   lost, and asks the task backend to send them after commit.
3. ``attempt`` posts the JSON body, signed with HMAC-SHA256 of the raw body
   (``X-Portal-Signature: sha256=<hex>``). A failure is retried with
   exponential backoff by ``manage.py deliver_webhooks`` (run it from cron).

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
import ipaddress
import json
import logging
import secrets
import socket
import urllib.error
import urllib.request
from collections import Counter
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger("portal.core.webhooks")

SIGNATURE_HEADER = "X-Portal-Signature"
TIMESTAMP_HEADER = "X-Portal-Timestamp"
EVENT_HEADER = "X-Portal-Event"
DELIVERY_HEADER = "X-Portal-Delivery"

# Referral service action -> event name. Other actions (assigning, messages,
# consent withdrawal) change no status and send nothing.
# What a referrer without feedback consent is told: that something changed, not what.

BACKOFF_START = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}


# The secret ------------------------------------------------------------------------


def _fernet() -> MultiFernet:
    """Keys derived from SECRET_KEY (and its fallbacks, so a key rotation keeps working)."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"webhooks:{key}".encode()).digest()))
            for key in keys
        ]
    )


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(endpoint: WebhookEndpoint) -> str:
    return _fernet().decrypt(endpoint.encrypted_secret.encode()).decode()


def sign(secret: str, body: bytes) -> str:
    """The value of X-Portal-Signature for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# The address -----------------------------------------------------------------------


def _is_local(host: str) -> bool:
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_url(url: str) -> None:
    """HTTPS to a public address; plain HTTP only to this machine, where allowed."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    allow_local = settings.PORTAL_WEBHOOK_ALLOW_LOCALHOST
    if not host or parts.scheme not in {"http", "https"}:
        raise ValidationError(_("Enter a full address that starts with https://."))
    if parts.username or parts.password:
        raise ValidationError(_("Leave the user name and password out of the address."))
    if _is_local(host):
        if not allow_local:
            raise ValidationError(_("The address must be reachable on the internet."))
        return
    if parts.scheme != "https":
        raise ValidationError(
            _("Use an https:// address. Plain http:// is only allowed for localhost.")
        )
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return
    if not literal.is_global:
        raise ValidationError(_("The address must be reachable on the internet."))


def _check_destination(url: str) -> None:
    """Refuse, at sending time, names that resolve to private or local addresses."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if _is_local(host) and settings.PORTAL_WEBHOOK_ALLOW_LOCALHOST:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for *_rest, sockaddr in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP):
        if not ipaddress.ip_address(sockaddr[0]).is_global:
            raise ValueError(f"{host} resolves to a non-public address")


# Managing endpoints (organisation admins) ---------------------------------------------


# Events ------------------------------------------------------------------------------


def enqueue(keys: list) -> None:
    from portal.core.tasks import deliver_webhooks

    keys = [str(key) for key in keys]
    transaction.on_commit(lambda: deliver_webhooks.enqueue(keys))


# Sending -----------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could point anywhere (an internal address): treat it as a failure."""

    def redirect_request(self, *args, **kwargs):
        return None


def _opener(url: str):
    handlers = [_NoRedirects()]
    if _is_local((urlsplit(url).hostname or "").lower()):
        handlers.append(urllib.request.ProxyHandler({}))  # never send local calls to a proxy
    return urllib.request.build_opener(*handlers)


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
    request = urllib.request.Request(  # noqa: S310 - validate_url allows only http(s)
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "LAC-water-portal-webhooks/1",
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.uuid),
            TIMESTAMP_HEADER: str(int(now.timestamp())),
            SIGNATURE_HEADER: sign(secret, body),
        },
    )
    try:
        _check_destination(endpoint.url)
        with _opener(endpoint.url).open(request, timeout=settings.PORTAL_WEBHOOK_TIMEOUT) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"[:300]
    except (OSError, ValueError) as error:  # URLError, timeouts, refused connections
        reason = getattr(error, "reason", error)
        return None, f"{type(error).__name__}: {reason}"[:300]


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
