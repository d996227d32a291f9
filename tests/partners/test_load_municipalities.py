"""The shipped list of municipalities and postcodes, and the command that loads it."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from partners.models import Municipality, Postcode
from tests.factories import MunicipalityFactory, PostcodeFactory

pytestmark = pytest.mark.django_db

HEADER = "nis_code,name_nl,name_fr,region,valid_from,valid_until,postcode,place\n"


def load(**options) -> str:
    out = StringIO()
    call_command("load_municipalities", stdout=out, **options)
    return out.getvalue()


def valid_on(day: date):
    return Municipality.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
    )


def write(tmp_path, body: str, header: str = HEADER):
    path = tmp_path / "municipalities.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


@pytest.fixture
def loaded():
    return load()


def test_loading_twice_changes_nothing_the_second_time():
    first = load()
    counts = (Municipality.objects.count(), Postcode.objects.count())
    second = load()

    assert (Municipality.objects.count(), Postcode.objects.count()) == counts
    assert counts == (331, 1190)
    assert "331 created" in first
    assert "0 created, 0 changed, 331 unchanged" in second
    assert "0 created, 0 changed, 1190 unchanged" in second


def test_municipality_counts_before_and_after_the_2025_mergers(loaded):
    after = valid_on(date(2025, 1, 1))
    assert after.filter(region="flanders").count() == 285
    assert after.filter(region="brussels").count() == 19
    assert valid_on(date(2024, 12, 31)).filter(region="flanders").count() == 300


def test_postcode_ranges_match_the_regions(loaded):
    for code, region in Postcode.objects.values_list("code", "municipality__region"):
        number = int(code)
        if 1000 <= number <= 1299:
            assert region == "brussels", code
        else:
            assert 1500 <= number <= 3999 or 8000 <= number <= 9999, code
            assert region == "flanders", code


def test_every_current_municipality_has_a_postcode(loaded):
    without = Municipality.objects.filter(postcodes__isnull=True)
    assert not without.filter(valid_until=None).exists()
    # A Postcode has one municipality: the places of a merged one now belong to its successor.
    assert without.count() == 27
    assert set(without.values_list("valid_until", flat=True)) == {date(2024, 12, 31)}


def test_aalst(loaded):
    aalst = Postcode.objects.get(code="9300", name="Aalst").municipality
    assert (aalst.nis_code, aalst.name_nl, aalst.name_fr) == ("41002", "Aalst", "Alost")
    assert aalst.region == "flanders"
    assert aalst.valid_until is None
    assert set(aalst.postcodes.values_list("code", flat=True)) == {"9300", "9308", "9310", "9320"}


def test_brussels_is_bilingual(loaded):
    brussel = Municipality.objects.get(nis_code="21004")
    assert (brussel.name_nl, brussel.name_fr, brussel.region) == (
        "Brussel",
        "Bruxelles",
        "brussels",
    )
    assert set(Postcode.objects.filter(code="1000").values_list("name", flat=True)) == {
        "Brussel",
        "Bruxelles",
    }
    assert Postcode.objects.get(code="1020", name="Laeken").municipality == brussel
    assert Postcode.objects.get(code="1050", name="Ixelles").municipality.name_nl == "Elsene"


def test_french_names_of_flemish_cities(loaded):
    names = dict(Municipality.objects.values_list("name_nl", "name_fr").filter(valid_until=None))
    assert names["Gent"] == "Gand"
    assert names["Antwerpen"] == "Anvers"
    assert names["Ieper"] == "Ypres"
    assert names["Sint-Niklaas"] == "Saint-Nicolas"
    assert names["Zaventem"] == ""


@pytest.mark.parametrize(
    ("old_nis", "old_name", "new_nis", "new_name", "code", "place"),
    [
        ("73009", "Borgloon", "73111", "Tongeren-Borgloon", "3840", "Borgloon"),
        ("23023", "Galmaarden", "23106", "Pajottegem", "1570", "Galmaarden"),
        ("73040", "Kortessem", "71072", "Hasselt", "3720", "Kortessem"),
        ("11056", "Zwijndrecht", "46030", "Beveren-Kruibeke-Zwijndrecht", "2070", "Zwijndrecht"),
        ("44045", "Moerbeke", "46029", "Lokeren", "9180", "Moerbeke-Waas"),
    ],
)
def test_merged_municipality_and_its_successor(
    loaded, old_nis, old_name, new_nis, new_name, code, place
):
    old = Municipality.objects.get(nis_code=old_nis)
    new = Municipality.objects.get(nis_code=new_nis)
    assert (old.name_nl, old.valid_until) == (old_name, date(2024, 12, 31))
    assert (new.name_nl, new.valid_from, new.valid_until) == (new_name, date(2025, 1, 1), None)
    # The place is listed under both in the file; it belongs to the municipality of today.
    assert Postcode.objects.get(code=code, name=place).municipality == new


def test_antwerpen_keeps_its_code_and_absorbs_borsbeek(loaded):
    antwerpen = Municipality.objects.get(nis_code="11002")
    assert (antwerpen.valid_from, antwerpen.valid_until) == (None, None)
    assert Municipality.objects.get(nis_code="11007").valid_until == date(2024, 12, 31)
    assert Postcode.objects.get(code="2150", name="Borsbeek").municipality == antwerpen


def test_existing_rows_are_updated_in_place():
    aalst = MunicipalityFactory(
        nis_code="41002", name_nl="Aalst (oud)", valid_from=date(2019, 1, 1)
    )
    elsewhere = MunicipalityFactory(nis_code="99999", name_nl="Ergens")
    postcode = PostcodeFactory(code="9300", name="Aalst", municipality=elsewhere)

    output = load()

    aalst.refresh_from_db()
    postcode.refresh_from_db()
    assert (aalst.name_nl, aalst.name_fr, aalst.valid_from) == ("Aalst", "Alost", None)
    assert postcode.municipality == aalst
    assert "330 created, 1 changed" in output
    assert "1189 created, 1 changed" in output
    # Rows that are not in the file stay: organisations may point at them.
    assert Municipality.objects.filter(nis_code="99999").exists()


def test_other_file(tmp_path):
    path = write(
        tmp_path,
        "44021,Gent,Gand,flanders,,,9000,Gent\n"
        "44021,Gent,Gand,flanders,,,9030,Mariakerke\n"
        "21004,Brussel,Bruxelles,brussels,,,,\n",
    )
    output = load(path=path)
    assert "Municipalities: 2 in file; 2 created" in output
    assert "Postcodes: 2 in file; 2 created" in output
    assert Municipality.objects.get(nis_code="21004").postcodes.count() == 0


def test_byte_order_mark_and_column_order_are_accepted(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        "\ufeffplace,postcode,nis_code,name_nl,name_fr,region,valid_from,valid_until\n"
        "Gent,9000,44021,Gent,Gand,flanders,,\n",
        encoding="utf-8",
    )
    load(path=path)
    assert Postcode.objects.get(code="9000").municipality.name_fr == "Gand"


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("44021,Gent,Gand,flanders,,,9000,Gent\n4402,Gent,,flanders,,,9000,Gent\n", 3, "nis_code"),
        ("44021,Gent,Gand,wallonia,,,9000,Gent\n", 2, "region 'wallonia'"),
        ("44021,Gent,Gand,flanders,2025-13-01,,9000,Gent\n", 2, "valid_from '2025-13-01'"),
        ("44021,Gent,Gand,flanders,2025-01-01,2024-12-31,9000,Gent\n", 2, "before valid_from"),
        ("44021,Gent,Gand,flanders,,,900,Gent\n", 2, "postcode '900'"),
        ("44021,Gent,Gand,flanders,,,9000,\n", 2, "has no place"),
        ("44021,,Gand,flanders,,,9000,Gent\n", 2, "name_nl is empty"),
        ("44021,Gent,Gand,flanders,,,9000\n", 2, "expected 8 fields"),
        ("44021,Gent,Gand,flanders,,,9000,Gent,extra\n", 2, "expected 8 fields"),
        (
            "44021,Gent,Gand,flanders,,,9000,Gent\n44021,Gent,,flanders,,,9030,Mariakerke\n",
            3,
            "does not match line 2",
        ),
        (
            "44021,Gent,Gand,flanders,,,9000,Gent\n41002,Aalst,Alost,flanders,,,9000,Gent\n",
            3,
            "both are still valid",
        ),
    ],
)
def test_malformed_row_names_its_line(tmp_path, body, line, message):
    path = write(tmp_path, body)
    with pytest.raises(CommandError, match=f"line {line}: .*{message}"):
        load(path=path)
    assert not Municipality.objects.exists()


def test_bad_row_after_good_rows_writes_nothing(tmp_path):
    path = write(
        tmp_path,
        "44021,Gent,Gand,flanders,,,9000,Gent\n" * 3 + "41002,Aalst,Alost,flanders,,,93OO,Aalst\n",
    )
    with pytest.raises(CommandError, match="line 5: postcode '93OO'"):
        load(path=path)
    assert not Municipality.objects.exists()
    assert not Postcode.objects.exists()


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        HEADER.encode()
        + b"44021,Gent,Gand,flanders,,,9000,Gent\n73109,Voeren,Fourons,flanders,,,3790,S\xe9\n"
    )
    with pytest.raises(CommandError, match="line 3: not UTF-8"):
        load(path=path)


def test_missing_column(tmp_path):
    path = write(tmp_path, "44021,Gent,Gand,flanders,,,9000\n", header=HEADER.replace(",place", ""))
    with pytest.raises(CommandError, match="line 1: missing column"):
        load(path=path)


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        load(path=tmp_path / "nowhere.csv")
