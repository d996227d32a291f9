"""Who carries the message: an SMS provider behind a small interface, and e-mail.

SMS goes through Twilio's Programmable Messaging API (``PORTAL_SMS_PROVIDER=twilio``):
it delivers to every Belgian mobile network, reports each message's fate to a
status callback, forwards replies to the same number, and signs every callback
(``X-Twilio-Signature``) so the portal can refuse forged ones. Another provider is
a class with the same three methods (``send``, ``verify``, ``parse_status``) added
to ``PROVIDERS``.

E-mail goes through Django's mail to the configured SMTP server. Its envelope
sender is a bounce address that names the message (VERP), so a bounce that comes
back (``manage.py process_bounce``) finds it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import logging
import smtplib
import socket
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.utils.html import escape, linebreaks
from django.utils.module_loading import import_string

logger = logging.getLogger("referrals.messaging")


class NotSent(Exception):
    """The provider surely did not take the message: sending again is safe."""


class Refused(Exception):
    """The provider refused the message for good (a number that cannot be reached)."""

    def __init__(self, detail: str, *, unreachable: bool = True) -> None:
        super().__init__(detail)
        self.detail = detail
        self.unreachable = unreachable


@dataclass(frozen=True)
class Accepted:
    provider: str
    reference: str


@dataclass(frozen=True)
class StatusReport:
    reference: str
    status: str  # "sent", "delivered" or "failed"
    detail: str = ""
    unreachable: bool = False  # the number itself cannot take a text message


@dataclass(frozen=True)
class Reply:
    reference: str
    from_number: str
    to_number: str
    body: str


class SmsProvider:
    name = ""

    def send(self, *, to: str, body: str, reference: str) -> Accepted:
        raise NotImplementedError

    def verify(self, request) -> bool:
        """Whether a callback really comes from the provider."""
        raise NotImplementedError

    def parse_status(self, request) -> StatusReport | None:
        raise NotImplementedError

    def parse_reply(self, request) -> Reply | None:
        raise NotImplementedError


def callback_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


class Twilio(SmsProvider):
    """Twilio's Messages resource: ``POST /2010-04-01/Accounts/{sid}/Messages.json``."""

    name = "twilio"
    STATUS_PATH = "/hooks/sms/twilio/status/"
    REPLY_PATH = "/hooks/sms/twilio/reply/"
    FAILED = {"failed", "undelivered"}
    # Twilio's error codes that mean the number itself cannot take a text message.
    UNREACHABLE_CODES = {21211, 21214, 21612, 21614, 30003, 30005, 30006}

    def __init__(self) -> None:
        self.account = settings.TWILIO_ACCOUNT_SID
        self.token = settings.TWILIO_AUTH_TOKEN
        self.sender = settings.TWILIO_FROM
        self.base = urllib.parse.urlsplit(settings.TWILIO_API_BASE)

    def send(self, *, to: str, body: str, reference: str) -> Accepted:
        fields = {"To": to, "Body": body, "StatusCallback": callback_url(self.STATUS_PATH)}
        # A Messaging Service SID (MG…) picks the sender itself; otherwise a number.
        fields["MessagingServiceSid" if self.sender.startswith("MG") else "From"] = self.sender
        credentials = base64.b64encode(f"{self.account}:{self.token}".encode()).decode()
        path = f"{self.base.path.rstrip('/')}/2010-04-01/Accounts/{self.account}/Messages.json"
        connection_class = (
            http.client.HTTPSConnection
            if self.base.scheme == "https"
            else http.client.HTTPConnection
        )
        connection = connection_class(self.base.netloc, timeout=settings.PORTAL_SMS_TIMEOUT)
        try:
            try:
                connection.connect()
            except OSError as error:  # refused, unreachable, DNS: nothing was sent
                raise NotSent(str(error)) from error
            connection.request(
                "POST",
                path,
                body=urllib.parse.urlencode(fields),
                headers={
                    "Authorization": f"Basic {credentials}",
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                },
            )
            response = connection.getresponse()
            answer = response.read()
        finally:
            connection.close()
        if response.status in (429,) or response.status >= 500:
            raise NotSent(f"HTTP {response.status}")
        try:
            data = json.loads(answer or b"{}")
        except ValueError:
            data = {}
        if response.status >= 400:
            code = data.get("code")
            detail = f"{code}: {data.get('message', '')}".strip(": ")[:200]
            raise Refused(detail, unreachable=code in self.UNREACHABLE_CODES)
        return Accepted(self.name, str(data.get("sid", "")))

    def signature(self, url: str, params: dict[str, str]) -> str:
        """Twilio's signature: HMAC-SHA1 with the auth token over the URL followed by
        each POST parameter's name and value, sorted by name; base64."""
        payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
        digest = hmac.new(self.token.encode(), payload.encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()

    def verify(self, request) -> bool:
        given = request.headers.get("X-Twilio-Signature", "")
        if not given or not self.token:
            return False
        url = callback_url(request.path)
        if request.META.get("QUERY_STRING"):
            url += "?" + request.META["QUERY_STRING"]
        params = {key: request.POST.get(key) for key in request.POST}
        if request.POST.get("AccountSid") not in (None, self.account):
            return False
        return hmac.compare_digest(self.signature(url, params), given)

    def parse_status(self, request) -> StatusReport | None:
        reference = request.POST.get("MessageSid", "")
        status = request.POST.get("MessageStatus", "")
        if not reference:
            return None
        if status == "delivered":
            return StatusReport(reference, "delivered")
        if status in self.FAILED:
            code = request.POST.get("ErrorCode", "")
            unreachable = code.isdigit() and int(code) in self.UNREACHABLE_CODES
            return StatusReport(reference, "failed", f"{status} {code}".strip(), unreachable)
        return StatusReport(reference, "sent")

    def parse_reply(self, request) -> Reply | None:
        reference = request.POST.get("MessageSid", "")
        if not reference:
            return None
        return Reply(
            reference,
            request.POST.get("From", ""),
            request.POST.get("To", ""),
            request.POST.get("Body", "")[:1600],
        )


class Console(SmsProvider):
    """The demo's provider: notes in the log that a message went (never what it says:
    logs leave the portal) and calls it sent."""

    name = "console"

    def send(self, *, to: str, body: str, reference: str) -> Accepted:
        logger.info("SMS %s (%d characters) handed to the console provider", reference, len(body))
        return Accepted(self.name, f"console-{reference}")

    def verify(self, request) -> bool:
        return False  # nobody may call back as the console

    def parse_status(self, request) -> StatusReport | None:
        return None

    def parse_reply(self, request) -> Reply | None:
        return None


PROVIDERS = {"twilio": Twilio, "console": Console}


def sms_provider() -> SmsProvider | None:
    """The configured SMS provider, or None when the portal sends no text messages."""
    name = settings.PORTAL_SMS_PROVIDER
    if not name:
        return None
    cls = PROVIDERS.get(name) or import_string(name)
    return cls()


def sms_provider_named(name: str) -> SmsProvider | None:
    provider = sms_provider()
    return provider if provider is not None and provider.name == name else None


# E-mail ------------------------------------------------------------------------------

_BOUNCE_SALT = "referrals.messaging.bounce"


def bounce_address(message_pk: int) -> str:
    """``bounces+<signed id>@domain``: the envelope sender of a client e-mail, so the
    bounce names its message and cannot be forged for another one."""
    token = signing.Signer(salt=_BOUNCE_SALT, sep=".").sign(str(message_pk))
    return f"{settings.PORTAL_BOUNCE_LOCAL_PART}+{token}@{settings.PORTAL_MAIL_DOMAIN}"


def message_of_bounce_address(address: str) -> int | None:
    local, _, domain = address.strip("<> ").rpartition("@")
    prefix = settings.PORTAL_BOUNCE_LOCAL_PART + "+"
    if domain.lower() != settings.PORTAL_MAIL_DOMAIN.lower() or not local.startswith(prefix):
        return None
    try:
        return int(signing.Signer(salt=_BOUNCE_SALT, sep=".").unsign(local[len(prefix) :]))
    except (signing.BadSignature, ValueError):
        return None


def email_message_id(message_pk: int) -> str:
    return f"<client-message-{message_pk}@{settings.PORTAL_MAIL_DOMAIN}>"


def send_email(
    *, message_pk: int, to: str, subject: str, body: str, sender_name: str, reply_to: str
) -> Accepted:
    """Hand one e-mail to the SMTP server: plain text, with an HTML part made from it
    (escaped once, paragraphs kept)."""
    email = EmailMultiAlternatives(
        subject,
        body,
        from_email=bounce_address(message_pk),
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers={
            "From": f'"{sender_name}" <{settings.PORTAL_CLIENT_MAIL_FROM}>',
            "Message-ID": email_message_id(message_pk),
        },
    )
    email.attach_alternative(
        f"<!doctype html><html><body>{linebreaks(escape(body))}</body></html>", "text/html"
    )
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        permanent = any(500 <= code < 600 for code in codes)
        if not permanent:
            raise NotSent(str(codes)) from error
        raise Refused(f"SMTP {codes[0]}", unreachable=True) from error
    except (smtplib.SMTPConnectError, ConnectionRefusedError, socket.gaierror) as error:
        raise NotSent(str(error)) from error
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            raise NotSent(f"SMTP {error.smtp_code}") from error
        raise Refused(f"SMTP {error.smtp_code}", unreachable=False) from error
    return Accepted("smtp", email_message_id(message_pk))
