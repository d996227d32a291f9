"""Long agendas and long LAC lists (#17): nothing a list's length can break.

- The session page shows one page of its agenda, searchable, in a constant number of
  queries; the print streams the agenda a chunk at a time.
- Agenda positions go beyond 32.767.
- A long list (every row counts) is checked and imported by a worker; confirming twice
  queues one run; the person sees how far it got while the import's transaction is
  still open, "imported" only once it committed, and a clear word when the worker
  stopped.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.models import Organisation
from portal.core import bulk
from referrals.cases import lac_import
from referrals.cases import services as cases
from referrals.cases import views as case_views
from referrals.cases.models import AgendaItem, ArrearsRecord, Case, LacImport
from referrals.cases.tasks import check_lac_import, run_lac_import
from referrals.referrals.models import Client
from tests.referrals.test_lac_import import GOOD_ROWS, csv_bytes

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="measured on PostgreSQL, as in production"
)
REFUSED = [
    "partner_worker",
    "internal_worker",
    "onthaal_worker",
    "other_social_worker",
    "org_admin",
]


@pytest.fixture(autouse=True)
def _no_progress_of_other_tests():
    """Progress lines are cached by import id, and ids come back between tests."""
    cache.clear()


@pytest.fixture
def session(cast):
    return cases.plan_lac_session(
        cast.ocmw, actor=cast.social_worker, on=timezone.localdate() + timedelta(days=14)
    )


@pytest.fixture
def reader(cast, client):
    """The arrears worker, reading in English (the strings the tests look for)."""
    cast.social_worker.language = "en"
    cast.social_worker.save(update_fields=["language"])
    client.force_login(cast.social_worker)
    return client


def _agenda(cast, session, count: int, *, first_position: int = 1) -> None:
    """``count`` files on the agenda, written in bulk (COPY on PostgreSQL): "Klant 00001",
    Dorp 1, FA-00001, € 120,50, …"""
    team = cases.arrears_team_of(cast.ocmw)
    farys = Organisation.objects.get(name="Farys")
    numbers = range(1, count + 1)
    clients = bulk.insert_rows(
        Client,
        ("full_name", "street", "postcode_id", "registered_by_team_id"),
        [(f"Klant {n:05d}", f"Dorp {n}", cast.postcode.pk, team.pk) for n in numbers],
    )
    files = bulk.insert_rows(
        Case,
        ("ocmw_id", "client_id", "origin", "team_id"),
        [(cast.ocmw.pk, client, Case.Origin.LAC_LIST.value, team.pk) for client in clients],
    )
    bulk.insert_rows(
        ArrearsRecord,
        ("case_id", "water_company_id", "customer_number", "amount_outstanding"),
        [
            (file, farys.pk, f"FA-{n:05d}", Decimal("120.50"))
            for n, file in zip(numbers, files, strict=True)
        ],
    )
    bulk.insert_rows(
        AgendaItem,
        ("session_id", "case_id", "position"),
        [
            (session.pk, file, first_position + n - 1)
            for n, file in zip(numbers, files, strict=True)
        ],
    )


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
    return len(queries), body


# The session page ----------------------------------------------------------------------

# Measured on SQLite and PostgreSQL: the login session, the user, the principal's
# memberships and grants, the session, the page of agenda items (clients, postcodes,
# arrears, workers and plans joined), how many files the agenda holds, the unread
# notifications of the header, and the last lists imported.
SESSION_PAGE_QUERIES = 9


@pytest.mark.parametrize("count", [3, 120])
def test_the_session_page_shows_a_page_of_the_agenda_in_constant_queries(
    cast, reader, session, count, django_assert_max_num_queries
):
    _agenda(cast, session, count)
    url = reverse("lac_session_detail", args=[session.pk])
    with django_assert_max_num_queries(SESSION_PAGE_QUERIES):
        page = reader.get(url)
    body = page.content.decode()
    assert "Klant 00001" in body and "Klant 00003" in body
    assert len(page.context["page"].items) == min(count, case_views.AGENDA_PAGE)
    if count > case_views.AGENDA_PAGE:
        assert "Klant 00051" not in body
        with django_assert_max_num_queries(SESSION_PAGE_QUERIES):
            later = reader.get(url, {"page": 3}).content.decode()
        assert "Klant 00101" in later and "Klant 00120" in later
        assert "Klant 00001" not in later and "Klant 00100" not in later
        assert 'start="101"' in later


def test_a_long_agenda_costs_the_session_page_what_a_short_one_does(cast, reader, session):
    url = reverse("lac_session_detail", args=[session.pk])
    _agenda(cast, session, 2)
    few, _body = _queries(reader, url)
    AgendaItem.objects.all().delete()
    Case.objects.all().delete()
    _agenda(cast, session, 140, first_position=5)
    many, _body = _queries(reader, url)
    assert few == many


def test_the_agenda_is_searched_by_name_and_customer_number(cast, reader, session):
    _agenda(cast, session, 60)
    url = reverse("lac_session_detail", args=[session.pk])
    by_name = reader.get(url, {"q": "klant 00042"}).content.decode()
    assert "Klant 00042" in by_name and "Klant 00041" not in by_name
    by_number = reader.get(url, {"q": "FA-00057"}).content.decode()
    assert "Klant 00057" in by_number and "Klant 00042" not in by_number
    nothing = reader.get(url, {"q": "Niemand"}).content.decode()
    assert "No file on the agenda matches" in nothing


def test_a_decision_on_a_later_page_comes_back_to_that_page(cast, reader, session):
    _agenda(cast, session, 70)
    item = AgendaItem.objects.get(position=62)
    url = reverse("lac_session_detail", args=[session.pk])
    page = reader.get(url, {"page": 2}).content.decode()
    action = reverse("lac_decision", args=[item.pk])
    assert f'action="{action}?page=2"' in page
    response = reader.post(
        f"{action}?page=2",
        {
            f"d{item.pk}-version": item.version,
            f"d{item.pk}-decision": AgendaItem.Decision.NO_ACTION,
            f"d{item.pk}-decided_on": session.date.isoformat(),
        },
    )
    assert response.url == f"{url}?page=2#item-{item.pk}"
    item.refresh_from_db()
    assert item.decision == AgendaItem.Decision.NO_ACTION
    assert "Decision letter" in reader.get(response.url).content.decode()


@postgresql_only
def test_a_session_of_30000_files_answers_in_the_same_queries(cast, reader, session):
    _agenda(cast, session, 30_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the statistics a database in use has
    url = reverse("lac_session_detail", args=[session.pk])
    first, body = _queries(reader, url)
    assert "Klant 00001" in body and "Klant 00050" in body and "Klant 00051" not in body
    last, body = _queries(reader, f"{url}?page=600")
    assert "Klant 29951" in body and "Klant 30000" in body and "Klant 29950" not in body
    found, body = _queries(reader, f"{url}?q=FA-12345")
    assert "Klant 12345" in body
    assert first == last == found <= SESSION_PAGE_QUERIES
    # The print: two queries per 500 files, never the whole agenda at once.
    printed, body = _queries(reader, reverse("lac_session_print", args=[session.pk]))
    assert "Klant 00001<" in body and "<td>30000</td>" in body and "Klant 30000<" in body
    assert printed <= PRINT_QUERIES + 2 * (30_000 // case_views.PRINT_CHUNK) + 1


# The printed agenda --------------------------------------------------------------------

# Login session, user, the principal's memberships and grants, the session; then two
# queries a chunk of the agenda (its ids from the index, then its files).
PRINT_QUERIES = 6


def test_the_print_streams_the_agenda_a_chunk_at_a_time(cast, reader, session, monkeypatch):
    monkeypatch.setattr(case_views, "PRINT_CHUNK", 10)
    url = reverse("lac_session_print", args=[session.pk])
    _agenda(cast, session, 5)
    one_chunk, _body = _queries(reader, url)
    AgendaItem.objects.all().delete()
    Case.objects.all().delete()
    _agenda(cast, session, 35)
    response = reader.get(url)
    assert response.streaming
    four_chunks, body = _queries(reader, url)
    assert one_chunk <= PRINT_QUERIES + 2
    assert four_chunks == one_chunk + 2 * 3
    first = Case.objects.get(client__full_name="Klant 00001")
    last = Case.objects.get(client__full_name="Klant 00035")
    # Each file as the print has always shown it: number, reference, name and address,
    # water company, amount, reached or not.
    assert (
        f"<tr><td>1</td><td>{first.reference}</td><td>Klant 00001<br>Dorp 1, 9300 Aalst</td>"
        "<td>Farys</td><td>€\u00a0120,50</td><td>no</td></tr>"
    ) in body
    assert f"<tr><td>35</td><td>{last.reference}</td><td>Klant 00035<br>Dorp 35" in body
    assert body.index("Klant 00010<") < body.index("Klant 00011<") < body.index("Klant 00035<")
    assert body.rstrip().endswith("</html>")


# Positions beyond a small integer -------------------------------------------------------


def test_an_agenda_holds_positions_beyond_32767(cast, session):
    _agenda(cast, session, 1, first_position=40_000)
    _agenda_extra = AgendaItem.objects.get()
    assert _agenda_extra.position == 40_000
    upload, _plan = lac_import.start_import(
        ocmw=cast.ocmw,
        session=session,
        actor=cast.social_worker,
        filename="lijst.csv",
        raw=csv_bytes(*GOOD_ROWS),
    )
    lac_import.apply(upload, actor=cast.social_worker)
    agenda = list(session.agenda.values_list("position", "case__client__full_name"))
    assert agenda == [
        (40_000, "Klant 00001"),
        (40_001, "Jan Peeters"),
        (40_002, "Ilse Van Damme"),
        (40_003, "Gert Maes"),
    ]


# Where the work runs ----------------------------------------------------------------------


def test_every_row_counts_for_the_background(cast, session):
    def upload(**fields):
        return LacImport(ocmw=cast.ocmw, session=session, uploaded_by=cast.social_worker, **fields)

    unchanged = {"create": 0, "match": 0, "update": 0, "unchanged": 10_000, "problems": 0}
    assert lac_import.runs_in_background(upload(row_count=10_000, summary=unchanged))
    assert lac_import.runs_in_background(upload(summary=unchanged))  # counted before the field
    assert not lac_import.runs_in_background(upload(row_count=lac_import.BACKGROUND_ROWS))
    assert lac_import.runs_in_background(upload(row_count=lac_import.BACKGROUND_ROWS + 1))


def _upload(client, session, raw: bytes):
    upload = SimpleUploadedFile("lijst.csv", raw, content_type="text/csv")
    return client.post(reverse("lac_upload", args=[session.pk]), {"file": upload})


def test_a_long_list_of_known_unchanged_clients_goes_to_a_worker(
    cast, reader, session, monkeypatch, django_capture_on_commit_callbacks
):
    first, _plan = lac_import.start_import(
        ocmw=cast.ocmw,
        session=session,
        actor=cast.social_worker,
        filename="eerder.csv",
        raw=csv_bytes(*GOOD_ROWS),
    )
    lac_import.apply(first, actor=cast.social_worker)
    monkeypatch.setattr(lac_import, "BACKGROUND_ROWS", 2)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(reader, session, csv_bytes(*GOOD_ROWS))
    lac = LacImport.objects.latest("pk")
    assert (lac.status, lac.summary["unchanged"], lac.row_count) == ("preview", 3, 3)
    with django_capture_on_commit_callbacks() as jobs:
        response = reader.post(reverse("lac_import_preview", args=[lac.pk]))
    assert response.url == reverse("lac_import_progress", args=[lac.pk])
    assert LacImport.objects.get(pk=lac.pk).status == "queued"
    assert len(jobs) == 1
    jobs[0]()
    lac.refresh_from_db()
    assert (lac.status, lac.summary["unchanged"]) == ("imported", 3)
    # The check's copy of the rows is gone with the import (retention strips ``content``
    # only); the page keeps the counts, and does not check the list again.
    assert lac.checked == {}
    with mock.patch.object(lac_import, "preview", side_effect=AssertionError("checked again")):
        page = reader.get(reverse("lac_import_preview", args=[lac.pk])).content.decode()
    assert "3 cases without changes" in page and "Jan Peeters" not in page


def test_a_short_list_is_checked_and_imported_in_the_request(cast, reader, session):
    with mock.patch.object(lac_import, "enqueue") as queued:
        response = _upload(reader, session, csv_bytes(*GOOD_ROWS))
        lac = LacImport.objects.get()
        assert lac.status == "preview" and lac.row_count == 3
        assert "Jan Peeters" in reader.get(response.url).content.decode()
        reader.post(reverse("lac_import_preview", args=[lac.pk]))
    queued.assert_not_called()
    assert LacImport.objects.get().status == "imported"
    assert Case.objects.count() == 3


def test_two_confirms_queue_one_run(cast, reader, session, monkeypatch):
    monkeypatch.setattr(lac_import, "BACKGROUND_ROWS", 2)
    lac, _plan = lac_import.start_import(
        ocmw=cast.ocmw,
        session=session,
        actor=cast.social_worker,
        filename="lijst.csv",
        raw=csv_bytes(*GOOD_ROWS),
    )
    url = reverse("lac_import_preview", args=[lac.pk])
    progress = reverse("lac_import_progress", args=[lac.pk])
    with mock.patch.object(lac_import, "enqueue") as queued:
        assert reader.post(url).url == progress
        assert reader.post(url).url == progress  # the second press shows the progress
        assert lac_import.confirm(lac, actor=cast.coordinator) is None
        assert reader.get(url).url == progress
    queued.assert_called_once_with(run_lac_import, lac.pk, cast.social_worker.pk)
    lac.refresh_from_db()
    assert lac.status == "queued" and lac.queued_at is not None
    assert not Case.objects.exists()
    page = reader.get(progress).content.decode()
    assert f"Waiting for a worker since {timezone.localtime(lac.queued_at):%H:%M}" in page


def test_a_long_upload_is_checked_by_a_worker(
    cast, reader, session, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(lac_import, "BACKGROUND_ROWS", 2)
    rows = [*GOOD_ROWS, "Farys;FA-4;Els Goossens;Kerkstraat 2;9300;Aalst;12,5;nee;;;"]
    with django_capture_on_commit_callbacks() as jobs:
        response = _upload(reader, session, csv_bytes(*rows, "Farys;FA-5;;;9300;;1;nee;;;"))
    lac = LacImport.objects.get()
    assert (lac.status, lac.row_count, lac.summary) == ("checking", 5, {})
    page = reader.get(response.url).content.decode()
    assert "The list has 5 rows. We check them for you" in page
    assert reverse("lac_import_progress", args=[lac.pk]) in page  # polled with htmx
    assert "Jan Peeters" not in page and "Import now" not in page

    (job,) = jobs
    job()
    lac.refresh_from_db()
    assert lac.status == "preview"
    assert lac.summary == {"create": 4, "match": 0, "update": 0, "unchanged": 0, "problems": 1}
    fragment = reader.get(reverse("lac_import_progress", args=[lac.pk]), HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    # The preview page shows what the worker kept; nothing is checked again.
    with mock.patch.object(lac_import, "preview", side_effect=AssertionError("checked again")):
        page = reader.get(response.url).content.decode()
    assert "Jan Peeters" in page and "Els Goossens" in page and "€\u00a012,50" in page
    assert "1 row has a problem" in page and "Line 6: empty: naam, straat" in page
    # A second run of the check (a worker stopped after its commit) changes nothing.
    assert check_lac_import.call(lac.pk) == lac.summary
    assert LacImport.objects.get(pk=lac.pk).checked == lac.checked


def test_a_failed_check_says_so(
    cast, reader, session, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(lac_import, "BACKGROUND_ROWS", 2)
    monkeypatch.setattr(lac_import, "preview", mock.Mock(side_effect=RuntimeError("FA-1")))
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(reader, session, csv_bytes(*GOOD_ROWS))
    lac = LacImport.objects.get()
    assert (lac.status, lac.failure) == ("failed", "error")
    page = reader.get(response.url).content.decode()
    assert "The check of the list failed. Nothing was changed. Upload the file again." in page
    assert "hx-get" not in page


# What the person waiting is told ------------------------------------------------------------


def _running(cast, session, *, quiet_for: int, **fields) -> LacImport:
    return LacImport.objects.create(
        ocmw=cast.ocmw,
        session=session,
        uploaded_by=cast.social_worker,
        filename="lijst.csv",
        content="",
        summary={"create": 100},
        row_count=100,
        status=LacImport.Status.IMPORTING,
        phase=LacImport.Phase.WRITE,
        progress_done=40,
        progress_total=100,
        heartbeat_at=timezone.now() - timedelta(seconds=quiet_for),
        **fields,
    )


def test_a_running_import_tells_how_far_and_when_it_was_last_heard(cast, reader, session):
    lac = _running(cast, session, quiet_for=5)
    page = reader.get(reverse("lac_import_progress", args=[lac.pk])).content.decode()
    assert "Writing the cases and arrears" in page and "40 of 100 rows." in page
    assert 'value="40"' in page and 'max="100"' in page
    assert "Last sign of life: 5 seconds ago." in page
    assert "stopped" not in page and "hx-get" in page


def test_a_worker_that_went_quiet_is_said_to_have_stopped(cast, reader, session, settings):
    lac = _running(cast, session, quiet_for=settings.PORTAL_WORKER_LOST_AFTER + 15)
    page = reader.get(reverse("lac_import_progress", args=[lac.pk])).content.decode()
    assert (
        f"No sign of life for {settings.PORTAL_WORKER_LOST_AFTER + 15} seconds: the worker"
        " stopped. The work is picked up again automatically"
    ) in page
    assert "hx-get" in page  # and it keeps looking


def test_a_fresher_line_in_the_cache_wins(cast, session):
    lac = _running(cast, session, quiet_for=120)
    with lac_import.Progress(lac.pk) as progress:
        progress(LacImport.Phase.WRITE, 75, 100)
    watch = lac_import.watch(LacImport.objects.get(pk=lac.pk))
    assert (watch.state, watch.done, watch.total) == ("running", 75, 100)


@pytest.mark.parametrize(
    ("failure", "text"),
    [
        ("rows", "some rows have a problem now"),
        ("error", "The import failed. Nothing was changed. Upload the file again"),
    ],
)
def test_a_failed_import_says_what_to_do(cast, reader, session, failure, text):
    lac = _running(cast, session, quiet_for=0)
    LacImport.objects.filter(pk=lac.pk).update(status="failed", failure=failure)
    page = reader.get(reverse("lac_import_progress", args=[lac.pk])).content.decode()
    assert text in page and "hx-get" not in page


def test_a_progress_line_never_goes_through_the_imports_connection(cast, session):
    lac = _running(cast, session, quiet_for=60)
    with CaptureQueriesContext(connection) as queries, lac_import.Progress(lac.pk) as progress:
        progress(LacImport.Phase.CHECK, 10, 100)
        progress(LacImport.Phase.CHECK, 20, 100)  # within the second: left out
        progress(LacImport.Phase.MATCH, 0, 100)  # a new phase: written
    assert queries.captured_queries == []
    assert cache.get(lac_import.progress_key(lac.pk)) == {"done": 0, "total": 100}


# Progress seen from outside the import's transaction (PostgreSQL) -------------------------


def _from_outside(pk: int, reader_id: int) -> dict:
    """What another process sees meanwhile: the row, the progress page, a second press
    of "confirm", and whether retention (which locks a list to strip it) would wait."""
    seen = {}

    def look():
        from django.db import OperationalError, transaction

        from portal.core.models import User

        try:
            seen["row"] = LacImport.objects.values(
                "status", "phase", "progress_done", "progress_total", "heartbeat_at"
            ).get(pk=pk)
            web = WebClient()
            web.force_login(User.objects.get(pk=reader_id))
            seen["page"] = web.get(reverse("lac_import_progress", args=[pk])).content.decode()
            with mock.patch.object(lac_import, "enqueue") as queued:
                seen["confirmed"] = web.post(reverse("lac_import_preview", args=[pk])).url
            seen["queued again"] = queued.called
            try:
                with transaction.atomic():
                    LacImport.objects.select_for_update(nowait=True).get(pk=pk)
                seen["retention waits"] = False
            except OperationalError:
                seen["retention waits"] = True
        finally:
            connections.close_all()

    thread = threading.Thread(target=look)
    thread.start()
    thread.join(timeout=60)
    return seen


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_while_the_import_runs_and_done_only_after_commit(
    cast, session, monkeypatch
):
    cast.social_worker.language = "en"
    cast.social_worker.save(update_fields=["language"])
    for name in ("Farys", "De Watergroep"):  # a transactional test before may have emptied them
        Organisation.objects.get_or_create(name=name, kind=Organisation.Kind.WATER_COMPANY)
    monkeypatch.setattr(lac_import, "BACKGROUND_ROWS", 2)
    monkeypatch.setattr(lac_import.Progress, "EVERY_SECONDS", 0)  # every line, however quick
    lac, _plan = lac_import.start_import(
        ocmw=cast.ocmw,
        session=session,
        actor=cast.social_worker,
        filename="lijst.csv",
        raw=csv_bytes(*GOOD_ROWS),
    )
    with mock.patch.object(lac_import, "enqueue"):
        assert lac_import.confirm(lac, actor=cast.social_worker) is None
    seen = {}
    keep_changes, record = lac_import._keep_changes, lac_import.audit.record

    def writing(*args, **kwargs):
        seen["writing"] = _from_outside(lac.pk, cast.social_worker.pk)
        return keep_changes(*args, **kwargs)

    def finishing(action, *args, **kwargs):
        if action == "lac.import":  # the status is written; the commit is still to come
            seen["finishing"] = _from_outside(lac.pk, cast.social_worker.pk)
        return record(action, *args, **kwargs)

    monkeypatch.setattr(lac_import, "_keep_changes", writing)
    monkeypatch.setattr(lac_import.audit, "record", finishing)
    started = timezone.now()
    summary = run_lac_import.call(lac.pk, cast.social_worker.pk)

    row, page = seen["writing"]["row"], seen["writing"]["page"]
    assert (row["status"], row["phase"], row["progress_total"]) == ("importing", "write", 3)
    assert 0 < row["progress_done"] < 3 and row["heartbeat_at"] >= started
    assert "Writing the cases and arrears" in page and "The list is imported" not in page
    outside = seen["writing"]
    assert outside["confirmed"] == reverse("lac_import_progress", args=[lac.pk])
    assert not outside["queued again"]  # and the second press did not wait for the import
    assert outside["retention waits"]
    assert Case.objects.count() == 3  # committed now; not seen from outside meanwhile
    row, page = seen["finishing"]["row"], seen["finishing"]["page"]
    assert (row["status"], row["progress_done"]) == ("importing", 3)
    assert "The list is imported" not in page
    after = _from_outside(lac.pk, cast.social_worker.pk)
    assert after["row"]["status"] == "imported" and "The list is imported" in after["page"]
    assert summary["create"] == 3


# Who may: the arrears team of the session's OCMW only -------------------------------------


@pytest.mark.parametrize("person", REFUSED)
def test_nobody_else_reads_or_confirms_a_long_list(cast, client, session, person, monkeypatch):
    monkeypatch.setattr(lac_import, "BACKGROUND_ROWS", 2)
    _agenda(cast, session, 3)
    lac, _plan = lac_import.start_import(
        ocmw=cast.ocmw,
        session=session,
        actor=cast.social_worker,
        filename="lijst.csv",
        raw=csv_bytes(*GOOD_ROWS),
    )
    checking = LacImport.objects.create(
        ocmw=cast.ocmw,
        session=session,
        uploaded_by=cast.social_worker,
        filename="lang.csv",
        content="",
        status=LacImport.Status.CHECKING,
        row_count=5000,
    )
    client.force_login(getattr(cast, person))
    urls = [
        reverse("lac_session_detail", args=[session.pk]) + "?q=Klant&page=1",
        reverse("lac_session_print", args=[session.pk]),
        reverse("lac_import_preview", args=[checking.pk]),
        reverse("lac_import_progress", args=[checking.pk]),
        reverse("lac_import_progress", args=[lac.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Klant 00001" not in response.content and b"FA-00001" not in response.content
    with mock.patch.object(lac_import, "enqueue") as queued:
        assert client.post(reverse("lac_import_preview", args=[lac.pk])).status_code == 404
    queued.assert_not_called()
    assert LacImport.objects.get(pk=lac.pk).status == "preview"
