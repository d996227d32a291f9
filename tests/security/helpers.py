"""Small helpers shared by the security tests."""

from __future__ import annotations

import functools
import hashlib
import re
from contextlib import contextmanager

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.crawl import body_text
from tests.security.audiences import ARREARS_AALST, ARREARS_DENDERMONDE
from tests.security.world import AALST, DENDERMONDE, Secret

# The arrears team of each OCMW: they work with its arrears (and find every sentinel).
TEAMS = {AALST: ARREARS_AALST, DENDERMONDE: ARREARS_DENDERMONDE}
# Who may read each OCMW's arrears (and so see its sentinels) on a page or in the API:
# the arrears team. The privacy officer reads them in one place only, the
# right-of-access export, which answers a POST of a recorded request and so is never
# reached by the crawl (tests/referrals/test_privacy_and_retention.py reads it).
READERS = {AALST: ARREARS_AALST, DENDERMONDE: ARREARS_DENDERMONDE}

STORED_APPS = ("portal", "partners", "referrals", "training", "auth")
# Tables a refused request may write to: the record of the visit itself.
VISIT_RECORDS = {"django_session", "portal_accesslog"}
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def client_of(world, role: str):
    """A test client logged in as ``role`` (logged in once, when the world was built)."""
    return world.clients[role]


def hidden_from(role: str) -> list[Secret]:
    """The sentinels of the OCMWs whose arrears ``role`` may not read."""
    return [secret for secret, readers in READERS.items() if role not in readers]


def shows_hidden_arrears(role: str, response) -> list[str]:
    """What of the hidden sentinels a response shows (empty: nothing)."""
    text = body_text(response)
    return [form for secret in hidden_from(role) for form in secret.found_in(text)]


@functools.cache
def openapi_schema() -> dict:
    """The API's OpenAPI schema (generating it takes a second, so once per run)."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


@contextmanager
def writes():
    """Collect every INSERT, UPDATE and DELETE the block sends to the database
    (apart from the session and the access log, which record the visit itself)."""
    found: list[str] = []
    with CaptureQueriesContext(connection) as queries:
        yield found
    for query in queries.captured_queries:
        match = WRITE.match(query["sql"])
        if match and match.group(1) not in VISIT_RECORDS:
            found.append(query["sql"][:200])


def fingerprint() -> str:
    """A hash of every row of every table the portal writes (slower than ``writes``,
    for refusals that come after work the service then rolled back)."""
    from django.apps import apps

    digest = hashlib.sha256()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in STORED_APPS or meta.proxy or meta.db_table in VISIT_RECORDS:
            continue
        columns = [f.attname for f in meta.concrete_fields if f.attname != "last_login"]
        rows = model._base_manager.order_by("pk").values_list(*columns)
        digest.update(f"{meta.label}:{list(rows)!r}".encode())
    return digest.hexdigest()


@contextmanager
def sent_after_commit():
    """Run what the block leaves for after the commit (e-mails, webhooks), with the
    network faked; yields the webhook bodies "sent"."""
    from unittest import mock

    from django.test import TestCase

    from portal.core import webhooks

    bodies: list[str] = []

    def fake_send(delivery, now):
        bodies.append(repr(delivery.payload))
        return 204, ""

    with (
        mock.patch.object(webhooks, "_send", fake_send),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        yield bodies


@contextmanager
def undone():
    """Run a request whose effects are thrown away afterwards."""
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)
