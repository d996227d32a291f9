"""A LAC list of hundreds of rows: bounded statements, and one result on either road.

The import writes through the ORM (every database) or, on PostgreSQL, through
array parameters and COPY. Both roads must leave exactly the same rows behind.
"""

from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.core import bulk
from referrals.cases import lac_import
from referrals.cases import services as cases
from referrals.cases.models import AgendaItem, ArrearsRecord, Case
from referrals.referrals.models import Client
from tests.referrals.test_lac_import import csv_bytes

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the fast road is PostgreSQL's"
)


@pytest.fixture
def session(cast):
    return cases.plan_lac_session(
        cast.ocmw, actor=cast.social_worker, on=timezone.localdate() + timedelta(days=14)
    )


def _row(n: int, amount: str = "120,50", note: str = "") -> str:
    return f"Farys;FA-{n:05d};Klant {n};Dorp {n};9300;Aalst;{amount};nee;;;{note}"


def _known_world(cast, session, make_referral, known: int) -> None:
    """Accounts from an earlier list, and a client the OCMW knows from a referral."""
    first, _ = lac_import.start_import(
        ocmw=cast.ocmw,
        session=session,
        actor=cast.social_worker,
        filename="eerder.csv",
        raw=csv_bytes(*(_row(n) for n in range(known))),
    )
    lac_import.apply(first, actor=cast.social_worker)
    make_referral()  # Maria Janssens, Stationsstraat 1, 9300


def _list(rows: int) -> bytes:
    """Every kind of row: a quarter updated, a quarter unchanged, one known client, new ones."""
    quarter = rows // 4
    lines = [_row(n, amount="130,00") for n in range(quarter)]
    lines += [_row(n) for n in range(quarter, 2 * quarter)]
    lines.append("De Watergroep;DW-1;Maria Janssens;Stationsstraat 1;9300;Aalst;75,00;ja;;;")
    lines += [_row(n) for n in range(10_000, 10_000 + rows - len(lines))]
    return csv_bytes(*lines)


def _apply(cast, session, raw: bytes) -> dict:
    upload, plan = lac_import.start_import(
        ocmw=cast.ocmw, session=session, actor=cast.social_worker, filename="lijst.csv", raw=raw
    )
    assert plan.problems == []
    return lac_import.apply(upload, actor=cast.social_worker)


class _Undo(Exception):
    pass


@contextmanager
def _undone():
    """Run a block, then roll back what it wrote (the test's own data stays)."""
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass


def _statements_to_apply(cast, session, raw: bytes) -> tuple[int, dict]:
    upload, _plan = lac_import.start_import(
        ocmw=cast.ocmw, session=session, actor=cast.social_worker, filename="lijst.csv", raw=raw
    )
    with CaptureQueriesContext(connection) as queries:
        summary = lac_import.apply(upload, actor=cast.social_worker)
    return len(queries), summary


def test_applying_500_rows_takes_a_bounded_number_of_statements(
    cast, session, make_referral, django_assert_max_num_queries
):
    _known_world(cast, session, make_referral, known=250)
    upload, plan = lac_import.start_import(
        ocmw=cast.ocmw,
        session=session,
        actor=cast.social_worker,
        filename="lijst.csv",
        raw=_list(500),
    )
    assert plan.summary == {
        "create": 249,
        "match": 1,
        "update": 125,
        "unchanged": 125,
        "problems": 0,
    }
    # 33: three of them keep the arrears changes (read the old figures, find the new
    # records, insert the changes in one batch).
    with django_assert_max_num_queries(33):
        lac_import.apply(upload, actor=cast.social_worker)
    assert Case.objects.count() == 500


def test_the_number_of_statements_does_not_grow_with_the_rows(cast, session, make_referral):
    _known_world(cast, session, make_referral, known=250)
    with _undone():
        few, few_summary = _statements_to_apply(cast, session, _list(8))
    many, many_summary = _statements_to_apply(cast, session, _list(500))
    kinds = ("create", "match", "update", "unchanged")
    assert all(few_summary[kind] and many_summary[kind] for kind in kinds)
    assert few == many


def _snapshot() -> dict:
    """Everything the import wrote, ids replaced by what they point at."""
    return {
        "clients": sorted(
            Client.objects.values_list(
                "full_name",
                "street",
                "postcode_id",
                "phone",
                "email",
                "language",
                "interpreter_needed",
                "preferred_channel",
                "preferred_times",
                "voicemail_allowed",
                "closed_envelope",
                "trusted_person",
                "registered_by_team_id",
            )
        ),
        "cases": sorted(
            Case.objects.values_list(
                "ocmw_id",
                "client__full_name",
                "origin",
                "team_id",
                "worker_id",
                "status",
                "reached_at",
                "version",
            )
        ),
        "links": sorted(Case.referrals.through.objects.values_list("case__client_id", "referral")),
        "arrears": sorted(
            ArrearsRecord.objects.values_list(
                "case__client__full_name",
                "water_company_id",
                "customer_number",
                "amount_outstanding",
                "protected_customer",
                "flow_limiter_since",
                "justification_note",
                "version",
            )
        ),
        "agenda": sorted(
            AgendaItem.objects.values_list(
                "session_id",
                "case__client__full_name",
                "position",
                "decision",
                "decided_on",
                "motivation",
                "payment_plan_id",
            )
        ),
    }


@postgresql_only
def test_the_postgresql_road_writes_what_the_orm_writes(cast, session, make_referral, monkeypatch):
    _known_world(cast, session, make_referral, known=50)
    # Values COPY has to escape, an update of every figure, and every kind of row.
    odd = [
        "Farys;FA-00045;Klant 45;Dorp 45;9300;Aalst;1.234,56;ja;12/05/2026;0470 11 22 33;"
        '"tab\there, back\\slash, ""quotes"", new\nline"',
        "Farys;FA-90001;Renée D'Haese;Rue de l'Église 1;9300;Aalst;0,00;nee;;;\\N",
    ]
    raw = _list(80) + csv_bytes(*odd, header="").lstrip(b"\n")
    written, started = {}, timezone.now()
    for fast in (False, True):
        monkeypatch.setattr(bulk, "use_fast_path", lambda fast=fast: fast)
        with _undone():
            summary = _apply(cast, session, raw)
            written[fast] = (summary, _snapshot())
            new = ArrearsRecord.objects.select_related("case").get(customer_number="FA-90001")
            assert new.updated_at >= started and new.case.created_at >= started
    assert written[True] == written[False]
    summary, rows = written[True]
    assert summary == {"create": 40, "match": 1, "update": 21, "unchanged": 20, "problems": 0}
    by_number = {record[2]: record[3:] for record in rows["arrears"]}
    note = 'tab\there, back\\slash, "quotes", new\nline'
    assert by_number["FA-00045"] == (Decimal("1234.56"), True, date(2026, 5, 12), note, 2)
    assert by_number["FA-90001"] == (Decimal("0.00"), False, None, "\\N", 1)


@postgresql_only
def test_applying_locks_the_accounts_it_compared(cast, session, make_referral):
    _known_world(cast, session, make_referral, known=4)
    with CaptureQueriesContext(connection) as queries:
        _apply(cast, session, _list(8))
    locking = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert any('FROM "referrals_arrearsrecord"' in sql for sql in locking)
