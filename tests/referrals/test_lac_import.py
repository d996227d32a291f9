from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.cases import lac_import
from referrals.cases import services as cases
from referrals.cases.models import AgendaItem, ArrearsRecord, Case, LacImport
from referrals.referrals.models import Client

pytestmark = pytest.mark.django_db

HEADER = ";".join(
    [
        "watermaatschappij",
        "klantnummer",
        "naam",
        "straat",
        "postcode",
        "gemeente",
        "bedrag",
        "sociaal_tarief",
        "begrenzer_sinds",
        "gsm",
        "verantwoordingsnota",
    ]
)
GOOD_ROWS = [
    "Farys;FA-1;Jan Peeters;Molenstraat 3;9300;Aalst;1.234,56;nee;;0470 11 22 33;Drie brieven",
    "Farys;FA-2;Ilse Van Damme;Kapellestraat 17;9300;Aalst;87,10;ja;12/05/2026;;",
    "De Watergroep;DW-3;Gert Maes;Dorp 8;9300;;2310;nee;;;",
]


def csv_bytes(*rows, header=HEADER, encoding="utf-8"):
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


@pytest.fixture
def session(cast):
    return cases.plan_lac_session(
        cast.ocmw, actor=cast.social_worker, on=timezone.localdate() + timedelta(days=14)
    )


def _import(cast, session, raw):
    upload, plan = lac_import.start_import(
        ocmw=cast.ocmw, session=session, actor=cast.social_worker, filename="lijst.csv", raw=raw
    )
    return upload, plan


def test_a_good_file_imports_fully(cast, session):
    upload, plan = _import(cast, session, csv_bytes(*GOOD_ROWS))
    assert plan.problems == []
    assert plan.summary["create"] == 3
    summary = lac_import.apply(upload, actor=cast.social_worker)
    assert summary["create"] == 3
    assert Case.objects.filter(ocmw=cast.ocmw, origin="lac_list").count() == 3
    record = ArrearsRecord.objects.get(customer_number="FA-1")
    assert str(record.amount_outstanding) == "1234.56"
    assert ArrearsRecord.objects.get(customer_number="FA-2").protected_customer
    assert ArrearsRecord.objects.get(customer_number="FA-2").flow_limiter_since.month == 5
    assert AgendaItem.objects.filter(session=session).count() == 3
    assert LacImport.objects.get().status == "imported"


def test_importing_the_same_file_again_changes_nothing(cast, session):
    raw = csv_bytes(*GOOD_ROWS)
    first, _ = _import(cast, session, raw)
    lac_import.apply(first, actor=cast.social_worker)
    snapshot = (
        Case.objects.count(),
        Client.objects.count(),
        AgendaItem.objects.count(),
        list(ArrearsRecord.objects.values_list("version", flat=True)),
    )
    second, plan = _import(cast, session, raw)
    assert plan.summary["unchanged"] == 3
    lac_import.apply(second, actor=cast.social_worker)
    after = (
        Case.objects.count(),
        Client.objects.count(),
        AgendaItem.objects.count(),
        list(ArrearsRecord.objects.values_list("version", flat=True)),
    )
    assert after == snapshot


def test_a_changed_amount_updates_the_existing_case(cast, session):
    first, _ = _import(cast, session, csv_bytes(*GOOD_ROWS))
    lac_import.apply(first, actor=cast.social_worker)
    changed = GOOD_ROWS[0].replace("1.234,56", "1.300,00")
    before = ArrearsRecord.objects.get(customer_number="FA-1")
    second, plan = _import(cast, session, csv_bytes(changed))
    assert plan.summary["update"] == 1
    lac_import.apply(second, actor=cast.social_worker)
    after = ArrearsRecord.objects.get(customer_number="FA-1")
    assert str(after.amount_outstanding) == "1300.00"
    assert (after.version, after.updated_at > before.updated_at) == (before.version + 1, True)
    assert Case.objects.count() == 3


def test_a_client_known_from_a_referral_is_matched_and_linked(cast, session, make_referral):
    referral = make_referral()  # Maria Janssens, Stationsstraat 1, 9300
    row = "Farys;FA-9;Maria Janssens;Stationsstraat 1;9300;Aalst;300,00;nee;;;"
    upload, plan = _import(cast, session, csv_bytes(row))
    assert plan.summary["match"] == 1
    lac_import.apply(upload, actor=cast.social_worker)
    case = Case.objects.get()
    assert case.client_id == referral.client_id
    assert list(case.referrals.all()) == [referral]


def test_windows_1252_and_bom_are_read(cast, session):
    row = "Farys;FA-7;Renée Dubois;Rue de l'Église 1;9300;Aalst;10,00;nee;;;"
    _, plan = _import(cast, session, csv_bytes(row, encoding="cp1252"))
    assert plan.rows[0].full_name == "Renée Dubois"
    _, plan = _import(cast, session, b"\xef\xbb\xbf" + csv_bytes(row))
    assert plan.rows[0].full_name == "Renée Dubois"


BAD_ROWS = [
    ("Farys;FA-1;Jan;Straat 1;9300;Aalst;twaalf;nee;;;", "bedrag"),
    ("Farys;FA-1;Jan;Straat 1;9300;Aalst;12,00;nee;31/02/2026;;", "datum"),
    ("Aquafin;FA-1;Jan;Straat 1;9300;Aalst;12,00;nee;;;", "watermaatschappij"),
    ("Farys;FA-1;Jan;Straat 1;9200;Dendermonde;12,00;nee;;;", "OCMW"),
    ("Farys;FA-1;Jan;Straat 1;0000;;12,00;nee;;;", "postcode"),
    ("Farys;;Jan;Straat 1;9300;Aalst;12,00;nee;;;", "klantnummer"),
    ("Farys;FA-1;Jan;Straat 1;9300;Aalst;12,00;misschien;;;", "ja of nee"),
]


@pytest.mark.parametrize(("row", "word"), BAD_ROWS)
def test_each_bad_row_is_explained_and_nothing_is_imported(cast, session, row, word):
    upload, plan = _import(cast, session, csv_bytes(GOOD_ROWS[0], row))
    assert len(plan.problems) == 1
    line, message = plan.problems[0]
    assert line == 3
    assert word in message
    with pytest.raises(lac_import.ImportFileError):
        lac_import.apply(upload, actor=cast.social_worker)
    assert not Case.objects.exists()


def test_duplicate_rows_are_named(cast, session):
    _, plan = _import(cast, session, csv_bytes(GOOD_ROWS[0], GOOD_ROWS[0]))
    assert plan.problems == [(3, "hetzelfde klantnummer als regel 2")]


@pytest.mark.parametrize(
    ("raw", "word"),
    [
        (b"", "leeg"),
        (HEADER.encode() + b"\n", "geen rijen"),
        (csv_bytes(*GOOD_ROWS, header=HEADER.replace(";", ",")).replace(b";", b","), "puntkomma"),
        (csv_bytes(*GOOD_ROWS, header=HEADER.replace("bedrag", "som")), "bedrag"),
        ("\n".join([HEADER, *GOOD_ROWS]).encode("utf-16"), "CSV"),
    ],
    ids=["empty", "header-only", "comma-separated", "missing-column", "utf-16"],
)
def test_whole_file_problems_are_explained(cast, session, raw, word):
    with pytest.raises(lac_import.ImportFileError) as problem:
        _import(cast, session, raw)
    assert word in str(problem.value)
    assert not LacImport.objects.exists()


def test_upload_preview_and_confirm_through_the_pages(cast, client, session):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast.social_worker)
    upload = SimpleUploadedFile("lijst.csv", csv_bytes(*GOOD_ROWS), content_type="text/csv")
    response = client.post(reverse("lac_upload", args=[session.pk]), {"file": upload})
    lac = LacImport.objects.get()
    assert response.url == reverse("lac_import_preview", args=[lac.pk])
    preview = client.get(response.url).content.decode()
    assert "Jan Peeters" in preview
    assert not Case.objects.exists()
    client.post(reverse("lac_import_preview", args=[lac.pk]))
    assert Case.objects.count() == 3


def test_a_bad_upload_keeps_the_page_and_explains(cast, client, session):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast.social_worker)
    upload = SimpleUploadedFile("lijst.csv", b"", content_type="text/csv")
    response = client.post(reverse("lac_upload", args=[session.pk]), {"file": upload})
    assert response.status_code == 200
    assert not LacImport.objects.exists()


@pytest.mark.parametrize(
    "person",
    ["partner_worker", "internal_worker", "onthaal_worker", "other_social_worker", "org_admin"],
)
def test_only_the_arrears_team_imports(cast, client, session, person):
    client.force_login(getattr(cast, person))
    assert client.get(reverse("lac_upload", args=[session.pk])).status_code == 404


def test_the_shipped_example_files_import(cast, session):
    from django.core.management import call_command

    call_command("load_municipalities", stdout=None)
    data = Path(__file__).parents[2] / "referrals" / "data" / "lac-list-aalst.csv"
    _upload, plan = _import(cast, session, data.read_bytes())
    assert plan.problems == []
    assert plan.summary["create"] == 8


def test_another_import_between_preview_and_apply_is_built_on(cast, session):
    """Two uploads of the same list, both previewed before either is applied."""
    first, _ = _import(cast, session, csv_bytes(*GOOD_ROWS))
    second, plan = _import(cast, session, csv_bytes(*GOOD_ROWS))
    assert plan.summary["create"] == 3
    lac_import.apply(first, actor=cast.social_worker)
    summary = lac_import.apply(second, actor=cast.social_worker)
    assert (summary["create"], summary["unchanged"]) == (0, 3)
    assert Case.objects.count() == Client.objects.count() == 3
    assert AgendaItem.objects.filter(session=session).count() == 3
    assert set(ArrearsRecord.objects.values_list("version", flat=True)) == {1}


@pytest.mark.parametrize(
    ("edited_amount", "action", "amount", "version"),
    [("999.00", "update", "1300.00", 3), ("1300.00", "unchanged", "1300.00", 2)],
    ids=["edited-otherwise", "edited-to-the-same"],
)
def test_an_arrears_edit_between_preview_and_apply_is_built_on(
    cast, session, edited_amount, action, amount, version
):
    first, _ = _import(cast, session, csv_bytes(*GOOD_ROWS))
    lac_import.apply(first, actor=cast.social_worker)
    record = ArrearsRecord.objects.get(customer_number="FA-1")
    second, plan = _import(cast, session, csv_bytes(GOOD_ROWS[0].replace("1.234,56", "1.300,00")))
    assert plan.summary["update"] == 1
    cases.save_arrears(
        record.case,
        actor=cast.social_worker,
        version=record.version,
        changes={"amount_outstanding": Decimal(edited_amount)},
    )
    summary = lac_import.apply(second, actor=cast.social_worker)
    assert summary[action] == 1
    record.refresh_from_db()
    # Not the preview's stale version plus one: the edit is kept in the count.
    assert (str(record.amount_outstanding), record.version) == (amount, version)
    assert LacImport.objects.get(pk=second.pk).summary == summary


def test_the_background_task_imports_and_reports_progress(cast, session):
    from django.core.cache import cache

    from referrals.cases.tasks import run_lac_import

    upload, _ = _import(cast, session, csv_bytes(*GOOD_ROWS))
    run_lac_import.enqueue(upload.pk, cast.social_worker.pk)
    assert LacImport.objects.get(pk=upload.pk).status == "imported"
    assert cache.get(lac_import.progress_key(upload.pk)) == {"done": 3, "total": 3}
    assert Case.objects.count() == 3


def test_a_failing_background_import_is_marked_failed(cast, session):
    from referrals.cases.tasks import run_lac_import

    upload, _ = _import(cast, session, csv_bytes(GOOD_ROWS[0], BAD_ROWS[0][0]))
    run_lac_import.enqueue(upload.pk, cast.social_worker.pk)
    assert LacImport.objects.get(pk=upload.pk).status == "failed"
    assert not Case.objects.exists()


def test_an_unexpected_failure_keeps_no_arrears_in_the_task_error(cast, session, monkeypatch):
    """Failed tasks are shown to platform admins, who may not read arrears: the error
    kept for them names the kind of failure, never the database's quote of a row."""
    from django.db import IntegrityError

    from referrals.cases.tasks import run_lac_import

    def broken(*args, **kwargs):
        raise IntegrityError(
            'duplicate key value violates unique constraint "arrears_account_unique"\n'
            "DETAIL:  Key (water_company_id, customer_number)=(3, FA-1) already exists."
        )

    upload, _ = _import(cast, session, csv_bytes(*GOOD_ROWS))
    monkeypatch.setattr(lac_import, "apply", broken)
    result = run_lac_import.enqueue(upload.pk, cast.social_worker.pk)
    assert LacImport.objects.get(pk=upload.pk).status == "failed"
    (error,) = result.errors
    assert "IntegrityError" in error.traceback
    assert "FA-1" not in error.traceback and "customer_number" not in error.traceback


def _other_ocmw_follows(cast, customer_number="FA-1"):
    """Another OCMW's case, with its own client, holding the Farys account ``customer_number``."""
    from partners.models import Organisation, Postcode

    case = cases.open_walk_in_case(
        cast.other_ocmw,
        actor=cast.other_social_worker,
        client={
            "full_name": "Els Geheim",
            "street": "Verborgen 99",
            "postcode": Postcode.objects.get(code="9300"),
        },
    )
    cases.save_arrears(
        case,
        actor=cast.other_social_worker,
        version=None,
        changes={
            "water_company": Organisation.objects.get(name="Farys"),
            "customer_number": customer_number,
            "amount_outstanding": Decimal("777.77"),
        },
    )


FOLLOWED = (
    "this customer number is already followed by another OCMW; check it with the water company."
)


def test_an_account_another_ocmw_follows_is_a_row_problem(cast, session):
    from django.utils.translation import gettext

    _other_ocmw_follows(cast)
    upload, plan = _import(cast, session, csv_bytes(*GOOD_ROWS))
    assert plan.problems == [(2, gettext(FOLLOWED))]
    assert "FA-1" not in [row.customer_number for row in plan.rows]
    # Nothing of the other OCMW's client or arrears reaches this OCMW.
    assert not any(
        secret in str(plan.problems) + str(plan.rows) for secret in ("Els", "Verborgen", "777")
    )
    with pytest.raises(lac_import.ImportFileError):
        lac_import.apply(upload, actor=cast.social_worker)
    assert not Case.objects.filter(ocmw=cast.ocmw).exists()
    assert ArrearsRecord.objects.count() == 1


def test_an_account_another_ocmw_takes_after_the_preview_is_refused(cast, session):
    upload, plan = _import(cast, session, csv_bytes(*GOOD_ROWS))
    assert plan.problems == []
    _other_ocmw_follows(cast)
    with pytest.raises(lac_import.ImportFileError):
        lac_import.apply(upload, actor=cast.social_worker)
    assert not Case.objects.filter(ocmw=cast.ocmw).exists()
    assert LacImport.objects.get(pk=upload.pk).status == "preview"


SAME_PERSON = "the same person (name and address) as line %(n)s"
MARIA = "Farys;FA-9;Maria Janssens;Stationsstraat 1;9300;Aalst;300,00;nee;;;"


@pytest.mark.parametrize(
    "known", ["open-case-without-arrears", "referral-without-case", "new-household"]
)
def test_the_same_person_on_two_rows_is_a_row_problem(cast, session, make_referral, known):
    from django.utils.translation import gettext

    if known != "new-household":
        referral = make_referral()  # Maria Janssens, Stationsstraat 1, 9300
    if known == "open-case-without-arrears":
        cases.open_case_from_referral(referral, actor=cast.social_worker)
    before = (Case.objects.count(), Client.objects.count())
    second = MARIA.replace("FA-9", "FA-10").replace("Maria Janssens", "MARIA JANSSENS")
    upload, plan = _import(cast, session, csv_bytes(MARIA, GOOD_ROWS[1], second))
    assert plan.problems == [(4, gettext(SAME_PERSON) % {"n": 2})]
    with pytest.raises(lac_import.ImportFileError):
        lac_import.apply(upload, actor=cast.social_worker)
    assert (Case.objects.count(), Client.objects.count()) == before
    assert not ArrearsRecord.objects.exists()


def test_a_second_account_for_a_case_the_file_updates_is_named_not_dropped(
    cast, session, make_referral
):
    """One row updates the person's account; another row, earlier in the file, would
    land on the same case with a new number and was silently left out."""
    from django.utils.translation import gettext

    referral = make_referral()
    first, _ = _import(cast, session, csv_bytes(MARIA))
    lac_import.apply(first, actor=cast.social_worker)
    assert Case.objects.get().referrals.get() == referral
    other_number = MARIA.replace("FA-9", "FA-10")
    _, plan = _import(cast, session, csv_bytes(other_number, MARIA.replace("300,00", "310,00")))
    assert plan.problems == [(2, gettext(SAME_PERSON) % {"n": 3})]
    assert [row.action for row in plan.rows] == ["update"]


def test_an_account_taken_while_applying_is_refused_not_a_crash(cast, session, monkeypatch):
    """The other OCMW commits the account after apply read the accounts: the unique index
    has the last word, and the import is refused as a whole."""
    upload, _ = _import(cast, session, csv_bytes(*GOOD_ROWS))
    _other_ocmw_follows(cast)
    monkeypatch.setattr(lac_import, "_accounts", lambda rows, lock: {})
    with pytest.raises(lac_import.ImportFileError):
        lac_import.apply(upload, actor=cast.social_worker)
    assert not Case.objects.filter(ocmw=cast.ocmw).exists()
    assert LacImport.objects.get(pk=upload.pk).status == "preview"


def test_the_pages_explain_an_account_another_ocmw_follows(cast, client, session):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast.social_worker)
    upload = SimpleUploadedFile("lijst.csv", csv_bytes(*GOOD_ROWS), content_type="text/csv")
    response = client.post(reverse("lac_upload", args=[session.pk]), {"file": upload})
    _other_ocmw_follows(cast)
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Els Geheim" not in page.content.decode()
    lac = LacImport.objects.get()
    assert client.post(reverse("lac_import_preview", args=[lac.pk])).status_code < 500
    assert not Case.objects.filter(ocmw=cast.ocmw).exists()
