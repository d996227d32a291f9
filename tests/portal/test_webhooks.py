"""Webhooks: referral events to a real HTTP receiver on 127.0.0.1, signed and retried."""

import base64
import json
import socket
import ssl
import threading
import time
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
    try:
        webhooks.verify(secret, request["headers"], request["body"])
    except webhooks.SignatureError:
        return False
    return True


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


@pytest.mark.parametrize("allow_local", [True, False])
@pytest.mark.parametrize(
    "url",
    [
        # This machine, spelled the ways the resolver reads it.
        "https://2130706433/hook",
        "https://0x7f000001/hook",
        "https://127.1/hook",
        "https://0177.0.0.1/hook",
        "https://localhost./hook",
        "http://localhost./hook",
        "https://hooks.localhost/",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[::ffff:7f00:1]/hook",
        # Other internal targets, spelled the same ways.
        "https://0xa9fea9fe/latest/meta-data",  # 169.254.169.254
        "https://10.1/hook",
        "https://0/hook",
        "https://[::]/hook",
        "https://[fe80::1]/hook",
        "https://100.64.0.1/hook",
        "https://224.0.0.1/hook",
        "https://1.2.3.4%20x/hook",
    ],
)
def test_other_spellings_of_internal_addresses_are_refused_at_save_time(url, allow_local, settings):
    settings.PORTAL_WEBHOOK_ALLOW_LOCALHOST = allow_local
    with pytest.raises(ValidationError):
        webhooks.validate_url(url)


def test_saving_refuses_them_on_the_page_and_in_the_service(cast, client):
    client.force_login(cast.partner_admin)
    response = client.post(
        reverse("webhooks", args=[cast.partner.pk]), {"url": "https://hooks.localhost/hook"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["url"]
    for url in ["https://127.1/hook", "https://2130706433/", "https://localhost./"]:
        with pytest.raises(ValidationError):
            webhook_admin.create_endpoint(cast.partner, actor=cast.partner_admin, url=url)
    assert not WebhookEndpoint.objects.exists()


class Network:
    """Fakes the resolver for some names and records every lookup and connection.

    ``answers[name]`` lists what each successive lookup of ``name`` returns;
    ``stand_ins`` maps a (public) address to the local one really connected to.
    """

    def __init__(self, monkeypatch):
        self.answers: dict[str, list[list[str]]] = {}
        self.stand_ins: dict[tuple, tuple] = {}
        self.lookups: list[str] = []
        self.connections: list[tuple] = []
        self.server_names: list[str] = []
        real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect
        network = self

        def getaddrinfo(host, port, *args, **kwargs):
            network.lookups.append(host)
            if host not in network.answers:
                return real_getaddrinfo(host, port, *args, **kwargs)
            answers = network.answers[host]
            ips = answers.pop(0) if len(answers) > 1 else answers[0]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in ips]

        def connect(sock, address):
            network.connections.append(tuple(address))
            return real_connect(sock, network.stand_ins.get(tuple(address), address))

        def wrap_socket(context, sock, *args, server_hostname=None, **kwargs):
            network.server_names.append(server_hostname)
            return sock  # the stand-in speaks plain HTTP

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(ssl.SSLContext, "wrap_socket", wrap_socket)


def _partner_delivery(cast, url, capture, make_referral):
    _endpoint, secret = webhook_admin.create_endpoint(
        cast.partner, actor=cast.partner_admin, url=url
    )
    with capture(execute=True):
        make_referral()
    return WebhookDelivery.objects.get(), secret


def test_the_send_connects_to_the_address_that_was_checked(
    cast, receiver, make_referral, django_capture_on_commit_callbacks, monkeypatch
):
    network = Network(monkeypatch)
    # A DNS rebinding: public when checked, this machine a moment later.
    port = receiver.server.server_address[1]
    network.answers["hooks.example.be"] = [["93.184.216.34"], ["127.0.0.1"]]
    network.stand_ins[("93.184.216.34", 443)] = ("127.0.0.1", port)
    delivery, secret = _partner_delivery(
        cast, "https://hooks.example.be/lac", django_capture_on_commit_callbacks, make_referral
    )
    assert network.lookups == ["hooks.example.be"]  # resolved once
    assert network.connections == [("93.184.216.34", 443)]  # to the checked address
    assert network.server_names == ["hooks.example.be"]  # TLS checks the name, not the IP
    assert delivery.status == "delivered"
    (request,) = receiver.requests
    assert request["headers"]["Host"] == "hooks.example.be"
    assert webhooks.verify(secret, request["headers"], request["body"])


def test_every_resolved_address_is_checked(
    cast, receiver, make_referral, django_capture_on_commit_callbacks, monkeypatch
):
    network = Network(monkeypatch)
    network.answers["hooks.example.be"] = [["93.184.216.34", "10.0.0.5"]]
    delivery, _secret = _partner_delivery(
        cast, "https://hooks.example.be/lac", django_capture_on_commit_callbacks, make_referral
    )
    assert network.connections == []
    assert delivery.last_status_code is None and delivery.status == "pending"
    assert "10.0.0.5" in delivery.last_error


def test_an_address_saved_before_the_stricter_check_is_refused_when_sending(
    cast, receiver, make_referral, django_capture_on_commit_callbacks, monkeypatch
):
    network = Network(monkeypatch)
    WebhookEndpoint.objects.create(
        organisation=cast.partner,
        url="https://0x7f000001/hook",
        encrypted_secret=webhooks.encrypt_secret(webhooks.new_secret()),
        created_by=cast.partner_admin,
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_referral()
    delivery = WebhookDelivery.objects.get()
    assert network.connections == [] and network.lookups == []
    assert delivery.last_status_code is None and delivery.last_error


def test_localhost_by_name_tries_each_loopback_address(
    cast, receiver, make_referral, django_capture_on_commit_callbacks, monkeypatch
):
    network = Network(monkeypatch)
    port = receiver.server.server_address[1]
    network.answers["localhost"] = [["127.0.0.2", "127.0.0.1"]]
    network.stand_ins[("127.0.0.2", port)] = ("127.0.0.1", 9)  # nothing listens there
    delivery, _secret = _partner_delivery(
        cast, f"http://localhost:{port}/hook", django_capture_on_commit_callbacks, make_referral
    )
    assert network.lookups == ["localhost"]
    assert network.connections == [("127.0.0.2", port), ("127.0.0.1", port)]
    assert delivery.status == "delivered"
    assert receiver.requests[0]["headers"]["Host"] == f"localhost:{port}"


def test_localhost_must_resolve_to_this_machine(
    cast, receiver, make_referral, django_capture_on_commit_callbacks, monkeypatch
):
    network = Network(monkeypatch)
    network.answers["localhost"] = [["10.0.0.5"]]
    network.stand_ins[("10.0.0.5", 8123)] = ("127.0.0.1", 9)  # never the real network
    delivery, _secret = _partner_delivery(
        cast, "http://localhost:8123/hook", django_capture_on_commit_callbacks, make_referral
    )
    assert network.connections == []
    assert "10.0.0.5" in delivery.last_error


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
        assert request["headers"]["webhook-timestamp"].isdigit()
    assert all(_verify(r, endpoints["ocmw"][1]) for r in ocmw_requests)
    last = json.loads(partner_requests[-1]["body"])
    assert last["role"] == "referrer"
    assert last["referral"]["status"] == "acknowledged"
    assert last["referral"]["reference"] == referral.reference
    assert last["delivery"] == partner_requests[-1]["headers"]["webhook-id"]
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
    services.withdraw_consent(referral, actor=cast.partner_worker, version=referral.version)
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
        services.withdraw_consent(referral, actor=cast.partner_worker, version=referral.version)
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
    secret = endpoints["partner"][1]
    payload = namespace["verify"](secret, request["headers"], request["body"])
    assert payload["event"] == "referral.submitted"
    with pytest.raises(ValueError, match="not signed"):
        namespace["verify"](webhooks.new_secret(), request["headers"], request["body"])
    # An old-style (URL-safe) secret works with the documented code too.
    legacy = "whsec_" + base64.urlsafe_b64encode(b"\xfb\xff\xbf" * 11).decode()
    now = str(int(time.time()))
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": now,
        "webhook-signature": webhooks.sign(legacy, "msg_1", int(now), request["body"]),
    }
    assert namespace["verify"](legacy, headers, request["body"])["event"] == "referral.submitted"
    stale = {**request["headers"], "webhook-timestamp": str(int(time.time()) - 600)}
    with pytest.raises(ValueError, match="too old"):
        namespace["verify"](secret, stale, request["body"])
