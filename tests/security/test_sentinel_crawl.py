"""Rule 1 of the design, proven by a crawl: arrears stay with the OCMW teams that
handle them.

The world plants a sentinel in every arrears field of both OCMWs (and in case
notes, contact-attempt notes, home-visit addresses, LAC decisions and members,
the LAC list, letter templates and the internal messages of a referral), plus
sentinel amounts and a sentinel date. Then, as every role of the cast:

- every page reachable by links from the dashboard, with CSV, PDF (as text) and
  iCalendar downloads — the permission matrix checks the answer of every URL
  pattern, refused or not, for every role, in the same way;
- every API operation's GET, HEAD and OPTIONS, and every detail URL the lists
  lead to;
- every e-mail sent and every log record written (all loggers, at DEBUG), while
  the world was built and during the crawl;

must not show the sentinel of an OCMW whose arrears the role may not read. The
arrears team of each OCMW does find every one of its own sentinels, which
proves the crawl reaches the pages where they live.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.core.models import AccessLog, AuditEntry, Notification, WebhookDelivery
from portal.shell import tokens
from referrals import models as referral_models
from tests.crawl import api_crawl, body_text, crawl
from tests.security.audiences import LOGGED_IN, ROLES
from tests.security.helpers import READERS, TEAMS, client_of, hidden_from, undone
from tests.security.test_api_matrix import API, OPS
from tests.security.world import Secret, capture_logs, render_record

pytestmark = pytest.mark.django_db


def leaks(texts: dict[str, str], secrets: list[Secret]) -> list[str]:
    found = []
    for where, text in texts.items():
        for secret in secrets:
            found += [f"{where}: {form!r}" for form in secret.found_in(text)]
    return found


def crawl_as(world, role: str) -> dict[str, str]:
    """Everything ``role`` can fetch, as {what: text}."""
    client = client_of(world, role)
    skip = ("/static/", "/accounts/logout/", "/admin/logout/", "/language/")
    if role != "platform_admin":
        skip += ("/admin/",)
    pages = crawl(client, ["/", "/dashboard/", *seeds(world)], limit=1500, per_path=2, skip=skip)
    texts = {f"GET {url} ({status})": body for url, (status, body) in pages.items()}
    operations = sorted({op.url(world) for op in OPS if op.method == "GET"})
    found = api_crawl(client, [f"{API}/", *operations], limit=500)
    texts |= {f"API GET {url} ({status})": body for url, (status, body) in found.items()}
    for url in operations:
        texts[f"API HEAD {url}"] = body_text(client.head(url, HTTP_ACCEPT="application/json"))
        texts[f"API OPTIONS {url}"] = body_text(client.options(url, HTTP_ACCEPT="application/json"))
    return texts


def seeds(world) -> list[str]:
    """Pages no link leads to: a letter with its template chosen (a GET form).
    Everything else is found by following links."""
    return [f"{reverse('letter_print', args=[world.case.pk])}?template={world.template.pk}"]


@pytest.mark.parametrize("role", ROLES)
def test_nothing_reachable_shows_arrears_the_role_may_not_read(world, role):
    mail.outbox = []
    with capture_logs() as records:
        texts = crawl_as(world, role)
    texts |= {f"e-mail to {m.to}: {m.subject}": _mail_text(m) for m in mail.outbox}
    texts |= {f"log {r.name}": render_record(r) for r in records}
    assert len(texts) > 50
    assert leaks(texts, hidden_from(role)) == []
    # The positive side: the arrears team finds every value planted for its OCMW,
    # so the crawl does reach the pages where they live.
    everything = "\n".join(texts.values())
    for secret, team in TEAMS.items():
        if role in team:
            missing = [text for text in planted_fields(secret) if text not in everything]
            assert missing == []
            assert f"{int(secret.amount):,}".replace(",", ".") in everything  # 98.765,43
            assert secret.day.strftime("%d/%m/%Y") in everything


@pytest.mark.parametrize("role", sorted(LOGGED_IN))
def test_a_token_of_each_role_reads_no_arrears_it_may_not(world, role):
    """The same API crawl with a personal token of each person instead of their
    session: a token sees what its owner sees, and never more."""
    user = getattr(world, role)
    with undone():
        _token, secret = tokens.create_token(
            actor=user, name="crawl", scope="read", expires_at=timezone.now() + timedelta(days=1)
        )
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        operations = sorted({op.url(world) for op in OPS if op.method == "GET"})
        found = api_crawl(client, [f"{API}/", *operations], limit=500)
    texts = {f"API GET {url} ({status})": body for url, (status, body) in found.items()}
    assert sum(status == 200 for status, _body in found.values()) > 5
    assert leaks(texts, hidden_from(role)) == []
    everything = "\n".join(texts.values())
    for secret_of, team in TEAMS.items():
        if role in team:
            assert secret_of.text("customer_number") in everything


def planted_fields(secret: Secret) -> list[str]:
    """Every sentinel text stored in the database for one OCMW."""
    return sorted(
        {
            value
            for model, field in TEXT_FIELDS
            for value in model._base_manager.values_list(field, flat=True)
            if isinstance(value, str) and secret.prefix in value
            for value in _sentinels_in(value, secret)
        }
    )


def _sentinels_in(text: str, secret: Secret):
    return re.findall(re.escape(secret.prefix) + r"-[\w-]+", text)


# Every text field of the arrears and outreach models, and where else OCMW-only
# text lives. test_every_arrears_field_carries_a_sentinel keeps this list honest.
ARREARS_MODELS = (
    referral_models.ArrearsRecord,
    referral_models.Invoice,
    referral_models.PaymentPlan,
    referral_models.AgendaItem,
    referral_models.CaseNote,
    referral_models.ContactAttempt,
    referral_models.HomeVisit,
    referral_models.LacImport,
    referral_models.LacSession,
)
ARREARS_TEXT_FIELDS = [
    (model, f.name)
    for model in ARREARS_MODELS
    for f in model._meta.concrete_fields
    if f.get_internal_type() in ("CharField", "TextField") and not f.choices
]
# OCMW-only text outside the arrears models: letter templates, the receiving team's
# internal messages on a referral, clients known only to the OCMW (LAC list, walk-in).
TEXT_FIELDS = [
    *ARREARS_TEXT_FIELDS,
    (referral_models.LetterTemplate, "body"),
    (referral_models.MessageTemplate, "name"),
    (referral_models.MessageTemplate, "body"),
    (referral_models.ClientMessage, "body"),
    (referral_models.InboundMessage, "body"),
    (referral_models.TimelineEntry, "message"),
    (referral_models.Client, "full_name"),
    (referral_models.Client, "street"),
    (referral_models.Client, "phone"),
]
AMOUNT_FIELDS = [
    (model, f.name)
    for model in ARREARS_MODELS
    for f in model._meta.concrete_fields
    if f.get_internal_type() == "DecimalField"
]
DATE_FIELDS = [
    (model, f.name)
    for model in ARREARS_MODELS
    for f in model._meta.concrete_fields
    if f.get_internal_type() == "DateField"
]
# Fields that cannot hold a sentinel, and why that is safe.
NOT_PLANTED = {
    ("LacSession", "date"): "the day of a LAC session is on the OCMW's public agenda",
    ("LacImport", "filename"): "chosen by the uploader, shown only with the import itself",
}


def test_every_arrears_field_carries_a_sentinel(world):
    """Every value stored in a text, amount or date field of the arrears models is a
    sentinel (so a new field fails here until the world plants one in it)."""
    amounts = {s.amount for s in READERS} | {s.instalment for s in READERS}
    days = {s.day for s in READERS}
    checks = [
        (ARREARS_TEXT_FIELDS, lambda v: "ZZSENTINEL" in v),
        (AMOUNT_FIELDS, lambda v: v in amounts),
        (DATE_FIELDS, lambda v: v in days),
    ]
    wrong = []
    for fields, check in checks:
        for model, name in fields:
            if (model.__name__, name) in NOT_PLANTED:
                continue
            rows = model._base_manager.exclude(**_plain_on_purpose(model, world))
            values = [v for v in rows.values_list(name, flat=True) if v not in (None, "")]
            if not values or not all(check(value) for value in values):
                wrong.append(f"{model.__name__}.{name}: {values}")
    assert wrong == []


def _plain_on_purpose(model, world) -> dict:
    """The second case of the partner holds a plain amount (for the ordering tests)."""
    if model is referral_models.ArrearsRecord:
        return {"case": world.case2}
    return {"pk": None}


def test_no_email_log_notification_audit_or_webhook_carries_arrears(world):
    """Whatever goes out or is kept for others to read never carries arrears, for
    anyone: not to the arrears team either (e-mails and logs leave the portal,
    organisation admins read the audit log, privacy officers the access log,
    webhooks go to other systems)."""
    secrets = list(READERS)
    texts = {f"e-mail to {m.to}: {m.subject}": _mail_text(m) for m in world.emails}
    texts |= {f"log {r.name}": render_record(r) for r in world.log_records}
    texts |= {f"notification {n.pk}": f"{n.text} {n.link}" for n in Notification.objects.all()}
    texts |= {
        f"audit {e.pk} {e.action}": f"{e.object_type} {e.object_id} {e.data!r}"
        for e in AuditEntry.objects.all()
    }
    texts |= {f"webhook {d.pk}": repr(d.payload) for d in WebhookDelivery.objects.all()}
    texts |= {
        f"access log {e.pk}": f"{e.object_type} {e.object_id} {e.purpose} {e.path}"
        for e in AccessLog.objects.all()
    }
    texts |= {f"webhook sent {i}": repr(body) for i, body in enumerate(world.webhook_bodies)}
    assert len(world.emails) > 5
    assert len(world.webhook_bodies) > 3
    assert leaks(texts, secrets) == []


def test_the_admin_holds_no_arrears():
    """The platform admin works in the Django admin; no arrears model is registered."""
    registered = set(admin.site._registry)
    assert registered.isdisjoint((*ARREARS_MODELS, referral_models.Case))


def _mail_text(message) -> str:
    parts = [message.subject, message.body, " ".join(message.to)]
    for content, _type in getattr(message, "alternatives", []):
        parts.append(str(content))
    for attachment in message.attachments:
        parts.append(repr(attachment))
    return "\n".join(parts)
