"""Amounts in a LAC list: read as written, or refused as a row problem, never guessed.

A Belgian amount (``1.234,56``, ``412,35``, ``1 234,56``, ``€ 412,35``) and a plain one
(``412.35``) are read; one that could mean two things (``1.234``: thousands or decimals?)
or that the arrears record cannot hold is a problem on its row in the preview, and
confirming such a file is refused with a message, not a server error.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from portal.core import bulk
from referrals.cases import lac_import
from referrals.cases import services as cases
from referrals.cases.models import ArrearsRecord, Case, LacImport
from tests.referrals.test_lac_import import GOOD_ROWS, _import, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(cast):
    return cases.plan_lac_session(
        cast.ocmw, actor=cast.social_worker, on=timezone.localdate() + timedelta(days=14)
    )


AMBIGUOUS = (
    "the amount “%(v)s” is ambiguous (thousands or cents?): write %(thousands)s if it means"
    " thousands; cents come after a comma, at most two, like 412,35"
)
NEGATIVE = "the amount “%(v)s” is negative: arrears cannot be below 0,00"
DECIMALS = "the amount “%(v)s” has more than two decimals: round it to the cent, like 412,35"
TOO_LARGE = "the amount “%(v)s” is more than %(max)s: check it with the water company"
NOT_A_NUMBER = "the amount “%(v)s” is not a number like 1.234,56"


def _row(amount: str, number: str = "FA-50") -> str:
    return f"Farys;{number};Tom Claes;Kerkstraat 5;9300;Aalst;{amount};nee;;;"


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("412.35", "412.35"),
        ("1.234,56", "1234.56"),
        ("412,35", "412.35"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),  # what Excel writes with a non-breaking space
        ("1\u202f234,56", "1234.56"),
        ("€ 412,35", "412.35"),
        ("€412,35", "412.35"),
        ("412,35 €", "412.35"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("12.345,60", "12345.60"),
        ("87,1", "87.10"),
        ("412.3", "412.30"),
        ("2310", "2310.00"),
        ("1 234", "1234.00"),
        ("0,00", "0.00"),
        ("100.000,00", "100000.00"),
    ],
)
def test_an_amount_written_one_way_only_is_imported_as_written(cast, session, written, amount):
    upload, plan = _import(cast, session, csv_bytes(_row(written)))
    assert plan.problems == []
    assert plan.rows[0].amount == Decimal(amount)
    lac_import.apply(upload, actor=cast.social_worker)
    stored = ArrearsRecord.objects.get(customer_number="FA-50").amount_outstanding
    assert (stored, str(stored)) == (Decimal(amount), amount)


@pytest.mark.parametrize(
    ("written", "thousands"),
    [
        ("1.234", "1.234,00"),
        ("1,234", "1.234,00"),
        ("12.345", "12.345,00"),
        ("412,350", "412.350,00"),
        ("€ 1.234", "1.234,00"),
    ],
)
def test_an_amount_that_reads_two_ways_is_a_row_problem(cast, session, written, thousands):
    upload, plan = _import(cast, session, csv_bytes(GOOD_ROWS[0], _row(written)))
    assert plan.problems == [(3, gettext(AMBIGUOUS) % {"v": written, "thousands": thousands})]
    assert [row.customer_number for row in plan.rows] == ["FA-1"]
    with pytest.raises(lac_import.ImportFileError):
        lac_import.apply(upload, actor=cast.social_worker)
    assert not Case.objects.exists()


MAXIMUM = "100.000,00"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("99999999999,99", TOO_LARGE),
        ("99.999.999,99", TOO_LARGE),
        ("100.000,01", TOO_LARGE),
        ("1.234.567", TOO_LARGE),
        ("1" * 40, TOO_LARGE),  # more digits than a Decimal's default precision
        ("-12,00", NEGATIVE),
        ("€ -12,00", NEGATIVE),
        ("-€ 12,00", NEGATIVE),
        ("12,345", AMBIGUOUS),
        ("12,3456", DECIMALS),
        ("412.3456", DECIMALS),
        ("0,234", DECIMALS),
        ("1.234,567", DECIMALS),
        ("1,234.56", NOT_A_NUMBER),  # thousands with a comma: not how a Belgian list writes it
        ("1.23.4", NOT_A_NUMBER),
        ("1e5", NOT_A_NUMBER),
        ("NaN", NOT_A_NUMBER),
        ("Infinity", NOT_A_NUMBER),
        ("12,", NOT_A_NUMBER),
        (",50", NOT_A_NUMBER),
        ("12€34", NOT_A_NUMBER),
        ("1  234,56", NOT_A_NUMBER),
    ],
)
def test_an_amount_out_of_range_or_unreadable_is_a_row_problem(cast, session, written, message):
    upload, plan = _import(cast, session, csv_bytes(GOOD_ROWS[0], _row(written)))
    ((line, problem),) = plan.problems
    assert line == 3
    assert f"“{written}”" in problem
    values = {"v": written, "max": MAXIMUM, "thousands": "12.345,00"}
    assert problem == gettext(message) % values
    with pytest.raises(lac_import.ImportFileError):
        lac_import.apply(upload, actor=cast.social_worker)
    assert not Case.objects.exists()


def test_the_upper_bound_fits_the_arrears_record():
    field = ArrearsRecord._meta.get_field("amount_outstanding")
    capacity = Decimal(10) ** (field.max_digits - field.decimal_places)
    assert capacity > lac_import.MAX_AMOUNT
    assert lac_import.MAX_AMOUNT.as_tuple().exponent == -field.decimal_places


ROADS = [
    pytest.param(False, id="orm"),
    pytest.param(
        True,
        id="postgresql",
        marks=pytest.mark.skipif(
            connection.vendor != "postgresql", reason="the fast road is PostgreSQL's"
        ),
    ),
]


@pytest.mark.parametrize("fast", ROADS)
def test_a_stored_file_with_an_out_of_range_amount_is_refused_on_either_road(
    cast, session, monkeypatch, fast
):
    """Whatever is stored for preview, applying it refuses the file instead of letting the
    database overflow (a new account, and an update of a known one)."""
    monkeypatch.setattr(bulk, "use_fast_path", lambda: fast)
    first, _ = _import(cast, session, csv_bytes(*GOOD_ROWS))
    lac_import.apply(first, actor=cast.social_worker)
    huge = GOOD_ROWS[0].replace("1.234,56", "99999999999,99")
    second, plan = _import(cast, session, csv_bytes(huge, _row("99999999999,99")))
    assert [line for line, _problem in plan.problems] == [2, 3]
    with pytest.raises(lac_import.ImportFileError):
        lac_import.apply(second, actor=cast.social_worker)
    assert str(ArrearsRecord.objects.get(customer_number="FA-1").amount_outstanding) == "1234.56"
    assert not ArrearsRecord.objects.filter(customer_number="FA-50").exists()
    assert LacImport.objects.get(pk=second.pk).status == "preview"


def _upload(client, session, *rows):
    upload = SimpleUploadedFile("lijst.csv", csv_bytes(*rows), content_type="text/csv")
    response = client.post(reverse("lac_upload", args=[session.pk]), {"file": upload})
    assert response.status_code == 302
    return response.url, LacImport.objects.latest("pk")


def test_the_pages_show_the_amount_problems_and_confirming_never_fails(cast, client, session):
    client.force_login(cast.social_worker)
    huge, ambiguous = _row("99999999999,99", "FA-50"), _row("1.234", "FA-51")
    url, lac = _upload(client, session, *GOOD_ROWS, huge, ambiguous)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "“99999999999,99”" in text and MAXIMUM in text
    assert "“1.234”" in text and "1.234,00" in text
    assert "Jan Peeters" in text  # the good rows are still shown
    confirm = client.post(reverse("lac_import_preview", args=[lac.pk]))
    assert confirm.status_code == 302
    assert client.get(confirm.url).status_code == 200
    assert not Case.objects.exists()
    # The rest of the file, once the two rows are put right, imports.
    fixed = (_row("412.35", "FA-50"), _row("1.234,00", "FA-51").replace("Tom", "An"))
    url, lac = _upload(client, session, *GOOD_ROWS, *fixed)
    confirm = client.post(reverse("lac_import_preview", args=[lac.pk]))
    assert confirm.status_code == 302
    assert Case.objects.count() == 5
    amounts = dict(ArrearsRecord.objects.values_list("customer_number", "amount_outstanding"))
    assert (amounts["FA-50"], amounts["FA-51"]) == (Decimal("412.35"), Decimal("1234.00"))


def test_an_unreadable_amount_on_upload_is_a_row_problem_not_a_server_error(cast, client, session):
    """``NaN`` once slipped past the number check and failed the comparison after it."""
    client.force_login(cast.social_worker)
    url, _lac = _upload(client, session, GOOD_ROWS[0], _row("NaN"), _row("Infinity", "FA-51"))
    page = client.get(url)
    assert page.status_code == 200
    assert "“NaN”" in page.content.decode()
