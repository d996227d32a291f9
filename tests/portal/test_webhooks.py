"""Webhooks: referral events to a real HTTP receiver on 127.0.0.1, signed and retried."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.core import webhooks
from portal.core.models import WebhookDelivery, WebhookEndpoint
from portal.shell import webhooks as webhook_admin
from referrals.referrals import services

pytestmark = pytest.mark.django_db


class Receiver:
    """An HTTP server in a thread that records each request and answers with the
    next status in ``answers`` (200 when the list is empty)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                if status in (301, 302):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def endpoints(cast, receiver):
    """One endpoint for the referring partner, one for the receiving OCMW."""
    partner, partner_secret = webhook_admin.create_endpoint(
        cast.partner, actor=cast.partner_admin, url=receiver.url("/partner")
    )
    ocmw, ocmw_secret = webhook_admin.create_endpoint(
        cast.ocmw, actor=cast.org_admin, url=receiver.url("/ocmw")
    )
    return {"partner": (partner, partner_secret), "ocmw": (ocmw, ocmw_secret)}


def _verify(request, secret: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(request["headers"]["X-Portal-Signature"], expected)


def _by_path(receiver, path):
    return [r for r in receiver.requests if r["path"] == path]


# The address -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://crm.example.be/hooks/lac",
        "http://127.0.0.1:8123/hook",
        "http://localhost/hook",
        "http://[::1]:9000/",
        "https://93.184.216.34/hook",
    ],
)
def test_allowed_addresses(url):
    webhooks.validate_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://crm.example.be/hook",  # plain http to the internet
        "ftp://crm.example.be/",
        "https://user:pass@crm.example.be/",
        "https://10.0.0.5/hook",  # private network
        "https://169.254.169.254/latest/meta-data",  # cloud metadata
        "https:///nohost",
        "crm.example.be",
    ],
)
def test_refused_addresses(url):
    with pytest.raises(ValidationError):
        webhooks.validate_url(url)


def test_localhost_can_be_switched_off(settings):
    settings.PORTAL_WEBHOOK_ALLOW_LOCALHOST = False
    for url in ["http://127.0.0.1:8000/", "https://localhost/hook"]:
        with pytest.raises(ValidationError):
            webhooks.validate_url(url)


# Managing endpoints ------------------------------------------------------------


def test_only_admins_of_the_organisation_register_endpoints(cast):
    for person, organisation in [
        (cast.partner_worker, cast.partner),
        (cast.org_admin, cast.partner),
        (cast.coordinator, cast.ocmw),
    ]:
        with pytest.raises(PermissionDenied):
            webhook_admin.create_endpoint(organisation, actor=person, url="https://x.example.be/")
    assert not WebhookEndpoint.objects.exists()


def test_the_secret_is_stored_encrypted(cast):
    endpoint, secret = webhook_admin.create_endpoint(
        cast.partner, actor=cast.partner_admin, url="https://crm.example.be/"
    )
    assert secret.startswith("whsec_")
    stored = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert secret not in stored.encrypted_secret
    assert webhooks.decrypt_secret(stored) == secret


# Events and payloads -----------------------------------------------------------


def test_status_changes_reach_both_sides_signed(
    cast, receiver, endpoints, make_referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral()
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge_referral(referral, actor=cast.social_worker, version=referral.version)
    partner_requests = _by_path(receiver, "/partner")
    ocmw_requests = _by_path(receiver, "/ocmw")
    assert [r["headers"]["X-Portal-Event"] for r in partner_requests] == [
        "referral.submitted",
        "referral.acknowledged",
    ]
    assert len(ocmw_requests) == 2
    for request in partner_requests:
        assert _verify(request, endpoints["partner"][1])
        assert not _verify(request, endpoints["ocmw"][1])
        assert request["headers"]["X-Portal-Timestamp"].isdigit()
    assert all(_verify(r, endpoints["ocmw"][1]) for r in ocmw_requests)
    last = json.loads(partner_requests[-1]["body"])
    assert last["role"] == "referrer"
    assert last["referral"]["status"] == "acknowledged"
    assert last["referral"]["reference"] == referral.reference
    assert last["delivery"] == partner_requests[-1]["headers"]["X-Portal-Delivery"]
    assert "sent_at" in last
    assert set(WebhookDelivery.objects.values_list("attempts", flat=True)) == {1}
    assert not WebhookDelivery.objects.filter(delivered_at__isnull=True).exists()


def test_payloads_carry_no_client_details(
    cast, receiver, endpoints, make_referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_referral()
    raw = b" ".join(r["body"] for r in receiver.requests).decode()
    for private in ["Maria Janssens", "Stationsstraat", "0470", "brief", "watermaatschappij"]:
        assert private not in raw
    ocmw = json.loads(_by_path(receiver, "/ocmw")[0]["body"])
    assert ocmw["role"] == "receiver"
    assert ocmw["referral"]["receiving_team"]["name"] == "Energie- en watercel"
    assert "client" not in ocmw["referral"] and "description" not in ocmw["referral"]


def test_after_consent_withdrawal_the_referrer_gets_no_status(
    cast, receiver, endpoints, referral, django_capture_on_commit_callbacks
):
    services.withdraw_consent(referral, actor=cast.partner_worker)
    referral.refresh_from_db()
    receiver.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge_referral(referral, actor=cast.social_worker, version=referral.version)
    partner = _by_path(receiver, "/partner")[0]
    body = json.loads(partner["body"])
    assert body["event"] == partner["headers"]["X-Portal-Event"] == "referral.updated"
    assert body["referral"]["status"] is None
    assert "acknowledged" not in partner["body"].decode()
    ocmw = json.loads(_by_path(receiver, "/ocmw")[0]["body"])
    assert ocmw["referral"]["status"] == "acknowledged"


def test_other_organisations_hear_nothing(
    cast, receiver, make_referral, django_capture_on_commit_callbacks
):
    webhook_admin.create_endpoint(
        cast.other_ocmw,
        actor=_admin_of(cast.other_ocmw),
        url=receiver.url("/other"),
    )
    webhook_admin.create_endpoint(
        cast.other_partner, actor=_admin_of(cast.other_partner), url=receiver.url("/other")
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_referral()
    assert receiver.requests == []


def _admin_of(organisation):
    from partners.models import Membership
    from tests.factories import MembershipFactory, TeamFactory, UserFactory

    team = TeamFactory(organisation=organisation, name="Beheer")
    user = MembershipFactory(team=team, role=Membership.Role.ADMIN, user=UserFactory()).user
    from partners.grants import rebuild_grants

    rebuild_grants()
    return user


def test_no_status_change_no_event(
    cast, receiver, endpoints, referral, django_capture_on_commit_callbacks
):
    receiver.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(
            referral, actor=cast.social_worker, text="Hallo", visible_to_referrer=True
        )
        services.withdraw_consent(referral, actor=cast.partner_worker)
    assert receiver.requests == []


def test_a_rolled_back_change_sends_nothing(cast, receiver, endpoints, referral):
    from django.db import transaction

    receiver.requests.clear()
    before = WebhookDelivery.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.acknowledge_referral(referral, actor=cast.social_worker, version=referral.version)
        raise RuntimeError
    assert WebhookDelivery.objects.count() == before
    assert receiver.requests == []


def test_switched_off_endpoints_get_nothing(
    cast, receiver, endpoints, make_referral, django_capture_on_commit_callbacks
):
    webhook_admin.set_active(endpoints["partner"][0], actor=cast.partner_admin, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        make_referral()
    assert [r["path"] for r in receiver.requests] == ["/ocmw"]


# Delivery, retries, backoff ----------------------------------------------------


def _one_delivery(cast, receiver, make_referral, capture):
    WebhookEndpoint.objects.filter(organisation=cast.ocmw).delete()
    with capture(execute=True):
        make_referral()
    return WebhookDelivery.objects.get()


def _make_due(delivery):
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_failures_are_retried_with_growing_waits(
    cast, receiver, endpoints, make_referral, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 503]
    delivery = _one_delivery(cast, receiver, make_referral, django_capture_on_commit_callbacks)
    assert (delivery.attempts, delivery.last_status_code, delivery.delivered_at) == (1, 500, None)
    first_wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert first_wait == timedelta(minutes=1)
    # Not due yet: the cron command leaves it alone.
    assert webhooks.deliver_due() == {}
    _make_due(delivery)
    assert webhooks.deliver_due() == {"retry": 1}
    delivery.refresh_from_db()
    assert delivery.next_attempt_at - delivery.last_attempt_at == timedelta(minutes=2)
    assert delivery.last_error.startswith("HTTP 503")
    _make_due(delivery)
    out = StringIO()
    call_command("deliver_webhooks", stdout=out)
    assert "1 delivered" in out.getvalue()
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.status == "delivered"
    assert delivery.next_attempt_at is None
    # Every attempt was signed anew over its own body.
    assert len(receiver.requests) == 3
    assert all(_verify(r, endpoints["partner"][1]) for r in receiver.requests)


def test_gives_up_after_the_last_attempt(
    cast, receiver, endpoints, make_referral, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_WEBHOOK_MAX_ATTEMPTS = 2
    receiver.answers = [500, 500, 500]
    delivery = _one_delivery(cast, receiver, make_referral, django_capture_on_commit_callbacks)
    _make_due(delivery)
    assert webhooks.deliver_due() == {"failed": 1}
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.next_attempt_at is None
    assert webhooks.deliver_due() == {}


def test_unreachable_receivers_and_redirects_count_as_failures(
    cast, receiver, endpoints, make_referral, django_capture_on_commit_callbacks
):
    receiver.answers = [302]
    delivery = _one_delivery(cast, receiver, make_referral, django_capture_on_commit_callbacks)
    assert delivery.last_status_code == 302 and delivery.status == "pending"
    assert len(receiver.requests) == 1  # the redirect was not followed
    receiver.close()
    _make_due(delivery)
    webhooks.deliver_due()
    delivery.refresh_from_db()
    assert delivery.last_status_code is None
    assert "refused" in delivery.last_error.lower() or "error" in delivery.last_error.lower()
    assert delivery.attempts == 2


def test_a_claimed_delivery_is_not_sent_twice(
    cast, receiver, endpoints, make_referral, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    delivery = _one_delivery(cast, receiver, make_referral, django_capture_on_commit_callbacks)
    _make_due(delivery)
    # Another worker claimed it a moment ago (its lease is in the future).
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() + timedelta(seconds=30)
    )
    assert webhooks.attempt(str(delivery.uuid)) == "skipped"
    assert len(receiver.requests) == 1


def test_a_rotated_secret_signs_from_then_on(
    cast, receiver, endpoints, make_referral, django_capture_on_commit_callbacks
):
    endpoint, old_secret = endpoints["partner"]
    new_secret = webhook_admin.rotate_secret(endpoint, actor=cast.partner_admin)
    with django_capture_on_commit_callbacks(execute=True):
        make_referral()
    request = _by_path(receiver, "/partner")[0]
    assert _verify(request, new_secret)
    assert not _verify(request, old_secret)
    with pytest.raises(PermissionDenied):
        webhook_admin.rotate_secret(endpoint, actor=cast.partner_worker)


# Pages -------------------------------------------------------------------------


def test_admin_registers_a_webhook_and_sees_the_secret_once(cast, client, receiver):
    client.force_login(cast.partner_admin)
    url = reverse("webhooks", args=[cast.partner.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"url": receiver.url(), "description": "Ons CRM"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    endpoint = WebhookEndpoint.objects.get()
    assert webhooks.decrypt_secret(endpoint) in response.content.decode()
    listing = client.get(url).content.decode()
    assert receiver.url() in listing
    assert webhooks.decrypt_secret(endpoint) not in listing
    detail = client.get(reverse("webhook_detail", args=[cast.partner.pk, endpoint.pk]))
    assert webhooks.decrypt_secret(endpoint) not in detail.content.decode()


def test_plain_http_to_the_internet_is_refused_on_the_page(cast, client):
    client.force_login(cast.partner_admin)
    response = client.post(
        reverse("webhooks", args=[cast.partner.pk]), {"url": "http://crm.example.be/hook"}
    )
    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()
    assert response.context["form"].errors["url"]


@pytest.mark.parametrize(("person", "status"), [("partner_worker", 403), ("org_admin", 404)])
def test_webhook_pages_refused_sides(cast, client, endpoints, person, status):
    endpoint = endpoints["partner"][0]
    client.force_login(getattr(cast, person))
    assert client.get(reverse("webhooks", args=[cast.partner.pk])).status_code == status
    detail = reverse("webhook_detail", args=[cast.partner.pk, endpoint.pk])
    assert client.get(detail).status_code == status
    rotate = reverse("webhook_rotate", args=[cast.partner.pk, endpoint.pk])
    assert client.post(rotate).status_code == status
    # And the OCMW admin cannot reach the partner's endpoint through their own organisation.
    client.force_login(cast.org_admin)
    assert (
        client.get(reverse("webhook_detail", args=[cast.ocmw.pk, endpoint.pk])).status_code == 404
    )


def test_delivery_log_rotate_switch_and_retry_pages(
    cast, client, receiver, endpoints, make_referral, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_WEBHOOK_MAX_ATTEMPTS = 1
    receiver.answers = [500]
    endpoint, _secret = endpoints["partner"]
    WebhookEndpoint.objects.filter(organisation=cast.ocmw).delete()
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    client.force_login(cast.partner_admin)
    detail = reverse("webhook_detail", args=[cast.partner.pk, endpoint.pk])
    page = client.get(detail).content.decode()
    assert referral.reference in page and "referral.submitted" in page and "500" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhook_retry", args=[cast.partner.pk, endpoint.pk, delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    rotate = reverse("webhook_rotate", args=[cast.partner.pk, endpoint.pk])
    assert client.get(rotate).status_code == 200
    rotated = client.post(rotate)
    assert rotated["Cache-Control"] == "no-store"
    endpoint.refresh_from_db()
    assert webhooks.decrypt_secret(endpoint) in rotated.content.decode()
    client.post(reverse("webhook_toggle", args=[cast.partner.pk, endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.is_active


def test_members_page_links_to_tokens_and_webhooks(cast, client):
    client.force_login(cast.org_admin)
    page = client.get(reverse("members", args=[cast.ocmw.pk])).content.decode()
    assert reverse("webhooks", args=[cast.ocmw.pk]) in page
    assert reverse("organisation_api_tokens", args=[cast.ocmw.pk]) in page


def test_the_documented_verification_code_accepts_a_real_delivery(
    cast, receiver, endpoints, make_referral, django_capture_on_commit_callbacks
):
    """docs/api.md shows integrators how to check a signature: that code must work."""
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "api.md"
    code = docs.read_text().split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(code, str(docs), "exec"), namespace)  # noqa: S102 - our own documentation
    with django_capture_on_commit_callbacks(execute=True):
        make_referral()
    request = _by_path(receiver, "/partner")[0]
    signature = request["headers"]["X-Portal-Signature"]
    payload = namespace["verify"](endpoints["partner"][1], request["body"], signature)
    assert payload["event"] == "referral.submitted"
    with pytest.raises(ValueError, match="not signed"):
        namespace["verify"]("whsec_wrong", request["body"], signature)
