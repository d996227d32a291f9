"""Webhook signatures follow Standard Webhooks: id, timestamp and body are signed together."""

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.core import webhooks
from portal.core.models import WebhookDelivery
from portal.shell import webhooks as webhook_admin
from tests.portal.test_webhooks import Receiver

pytestmark = pytest.mark.django_db

# 32 key bytes whose URL-safe base64 has both "-" and "_": an old-style secret.
LEGACY_KEY = bytes([0xFB, 0xFF, 0xBF] * 10 + [0x01, 0x02])
LEGACY_SECRET = "whsec_" + base64.urlsafe_b64encode(LEGACY_KEY).decode().rstrip("=")


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def delivered(cast, receiver, make_referral, django_capture_on_commit_callbacks):
    """The partner's endpoint, its secret and the one request it received."""
    _endpoint, secret = webhook_admin.create_endpoint(
        cast.partner, actor=cast.partner_admin, url=receiver.url("/partner")
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_referral()
    assert len(receiver.requests) == 1
    return secret, receiver.requests[0]


def _lower(headers: dict) -> dict:
    return {key.lower(): value for key, value in headers.items()}


def test_a_delivery_is_signed_over_its_id_timestamp_and_body(delivered):
    secret, request = delivered
    headers = _lower(request["headers"])
    delivery = WebhookDelivery.objects.get()
    assert headers["webhook-id"] == str(delivery.uuid) == json.loads(request["body"])["delivery"]
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + request["body"]
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == "v1," + expected
    assert "x-portal-signature" not in headers  # one scheme only


def test_new_secrets_are_standard_webhooks_secrets():
    first, second = webhooks.new_secret(), webhooks.new_secret()
    assert first != second
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 32


def test_older_url_safe_secrets_sign_with_the_key_bytes_they_encode():
    assert "-" in LEGACY_SECRET and "_" in LEGACY_SECRET
    assert webhooks.signing_key(LEGACY_SECRET) == LEGACY_KEY
    digest = hmac.new(LEGACY_KEY, b"msg_1.1700000000.{}", hashlib.sha256).digest()
    assert webhooks.sign(LEGACY_SECRET, "msg_1", 1700000000, b"{}") == (
        "v1," + base64.b64encode(digest).decode()
    )


def test_verify_accepts_a_fresh_delivery(delivered):
    secret, request = delivered
    payload = webhooks.verify(secret, request["headers"], request["body"])
    assert payload["event"] == "referral.submitted"


def test_verify_refuses_a_replay_outside_the_window(delivered):
    secret, request = delivered
    sent = int(_lower(request["headers"])["webhook-timestamp"])
    for now in [sent - 300, sent + 300]:
        webhooks.verify(secret, request["headers"], request["body"], now=now)
    for now in [sent + 301, sent + 3600, sent - 301]:
        with pytest.raises(webhooks.SignatureError, match="timestamp"):
            webhooks.verify(secret, request["headers"], request["body"], now=now)
    with pytest.raises(webhooks.SignatureError, match="timestamp"):
        webhooks.verify(secret, request["headers"], request["body"], tolerance=60, now=sent + 61)
    later = timezone.now() + timedelta(minutes=10)
    with pytest.raises(webhooks.SignatureError, match="timestamp"):
        webhooks.verify(secret, request["headers"], request["body"], now=later)


def test_a_replay_cannot_be_given_a_fresh_timestamp_or_another_id(delivered):
    secret, request = delivered
    headers = _lower(request["headers"])
    sent = int(headers["webhook-timestamp"])
    refreshed = {**headers, "webhook-timestamp": str(sent + 3600)}
    with pytest.raises(webhooks.SignatureError, match="signature"):
        webhooks.verify(secret, refreshed, request["body"], now=sent + 3600)
    with pytest.raises(webhooks.SignatureError, match="signature"):
        webhooks.verify(secret, {**headers, "webhook-id": "another"}, request["body"])


def test_verify_refuses_a_wrong_signature(delivered):
    secret, request = delivered
    headers = _lower(request["headers"])
    with pytest.raises(webhooks.SignatureError, match="signature"):
        webhooks.verify(webhooks.new_secret(), headers, request["body"])
    with pytest.raises(webhooks.SignatureError, match="signature"):
        webhooks.verify(secret, headers, request["body"].replace(b"submitted", b"withdrawn"))
    with pytest.raises(webhooks.SignatureError, match="signature"):
        webhooks.verify(secret, {**headers, "webhook-signature": "v1,AAAA"}, request["body"])
    for missing in ["webhook-id", "webhook-timestamp", "webhook-signature"]:
        partial = {k: v for k, v in headers.items() if k != missing}
        with pytest.raises(webhooks.SignatureError, match="header"):
            webhooks.verify(secret, partial, request["body"])
    with pytest.raises(webhooks.SignatureError, match="header"):
        webhooks.verify(secret, {**headers, "webhook-timestamp": "soon"}, request["body"])


def test_verify_accepts_any_of_several_signatures(delivered):
    """Receivers must accept a list (the spec's way of rolling over a key)."""
    secret, request = delivered
    headers = _lower(request["headers"])
    several = {**headers, "webhook-signature": "v1,AAAA " + headers["webhook-signature"]}
    assert webhooks.verify(secret, several, request["body"])["event"] == "referral.submitted"


def test_the_id_stays_the_same_on_every_retry(
    cast, receiver, make_referral, django_capture_on_commit_callbacks
):
    _endpoint, secret = webhook_admin.create_endpoint(
        cast.partner, actor=cast.partner_admin, url=receiver.url("/partner")
    )
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        make_referral()
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert webhooks.deliver_due() == {"delivered": 1}
    first, second = (_lower(r["headers"]) for r in receiver.requests)
    assert first["webhook-id"] == second["webhook-id"] == str(WebhookDelivery.objects.get().uuid)
    for request in receiver.requests:
        webhooks.verify(secret, request["headers"], request["body"])


def test_the_reference_library_accepts_our_signature(delivered):
    standardwebhooks = pytest.importorskip("standardwebhooks")
    secret, request = delivered
    payload = standardwebhooks.Webhook(secret).verify(request["body"], request["headers"])
    assert payload["event"] == "referral.submitted"
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(webhooks.new_secret()).verify(request["body"], request["headers"])
    # An old-style secret, given to the library as its key bytes.
    now = int(time.time())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(now),
        "webhook-signature": webhooks.sign(LEGACY_SECRET, "msg_1", now, request["body"]),
    }
    standardwebhooks.Webhook(webhooks.signing_key(LEGACY_SECRET)).verify(request["body"], headers)
