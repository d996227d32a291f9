"""Load the Flemish and Brussels municipalities and their postcodes from a CSV file.

Without ``--path`` the command reads the list shipped in ``partners/data/municipalities.csv``
(sources and licences: ``partners/data/README.md``). Run it after ``migrate`` and again
whenever that file changes; running it twice changes nothing the second time.

File format: UTF-8 (a byte-order mark is allowed), comma-separated, one header row with
exactly these columns, in any order::

    nis_code,name_nl,name_fr,region,valid_from,valid_until,postcode,place

One row per (municipality, postcode, place name); a municipality repeats its own columns on
each of its rows, and those must be identical on all of them.

``nis_code``     five digits, Statbel's NIS (REFNIS) code; identifies the municipality.
``name_nl``      Dutch name (required).
``name_fr``      official French name, empty where there is none.
``region``       ``flanders`` or ``brussels``.
``valid_from``   ``YYYY-MM-DD`` the municipality came into being, or empty (existed before).
``valid_until``  ``YYYY-MM-DD``, its last day (e.g. 2024-12-31 for the 2025 mergers), or empty.
``postcode``     four digits, or empty together with ``place`` for a municipality without
                 postcodes of its own.
``place``        the locality (deelgemeente) name bpost uses for that postcode.

Municipalities are upserted by ``nis_code``, postcodes by (``postcode``, ``place``), in bulk
and in one transaction; the whole file is checked before anything is written, so a bad row
(reported with its line number) leaves the database untouched. A (postcode, place) pair
listed under several municipalities, such as the places of a municipality that merged, is
linked to the one still valid (empty ``valid_until``), else to the one that ended last.
Rows in the database that are not in the file are left alone: organisations may refer to
them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partners.models import Municipality, Postcode

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "municipalities.csv"
COLUMNS = (
    "nis_code",
    "name_nl",
    "name_fr",
    "region",
    "valid_from",
    "valid_until",
    "postcode",
    "place",
)
REGIONS = {"flanders", "brussels"}
MUNICIPALITY_FIELDS = ["name_nl", "name_fr", "region", "valid_from", "valid_until"]
BATCH_SIZE = 500


@dataclass(frozen=True)
class MunicipalityData:
    nis_code: str
    name_nl: str
    name_fr: str
    region: str
    valid_from: date | None
    valid_until: date | None


@dataclass
class ParsedFile:
    municipalities: dict[str, MunicipalityData]
    # (postcode, place) -> NIS code of the municipality it is linked to
    postcodes: dict[tuple[str, str], str]
    shared: int  # (postcode, place) pairs listed under more than one municipality


def _date(value: str, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{column} {value!r} is not a date (YYYY-MM-DD)") from None


def _municipality(row: dict[str, str]) -> MunicipalityData:
    nis_code = row["nis_code"]
    if not re.fullmatch(r"\d{5}", nis_code):
        raise ValueError(f"nis_code {nis_code!r} is not five digits")
    if not row["name_nl"]:
        raise ValueError("name_nl is empty")
    for column in ("name_nl", "name_fr"):
        if len(row[column]) > 100:
            raise ValueError(f"{column} is longer than 100 characters")
    if row["region"] not in REGIONS:
        raise ValueError(f"region {row['region']!r} is not one of {', '.join(sorted(REGIONS))}")
    valid_from = _date(row["valid_from"], "valid_from")
    valid_until = _date(row["valid_until"], "valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        raise ValueError("valid_until is before valid_from")
    return MunicipalityData(
        nis_code, row["name_nl"], row["name_fr"], row["region"], valid_from, valid_until
    )


def _postcode(row: dict[str, str]) -> tuple[str, str] | None:
    code, place = row["postcode"], row["place"]
    if not code and not place:
        return None
    if not re.fullmatch(r"\d{4}", code):
        raise ValueError(f"postcode {code!r} is not four digits")
    if not place:
        raise ValueError(f"postcode {code} has no place")
    if len(place) > 100:
        raise ValueError("place is longer than 100 characters")
    return code, place


def _outranks(new: MunicipalityData, old: MunicipalityData) -> bool:
    """Whether ``new`` should own a postcode both list: the one valid longest wins."""
    return (new.valid_until or date.max) > (old.valid_until or date.max)


def _check_header(path: Path, header: list[str]) -> None:
    problems = []
    if missing := [column for column in COLUMNS if column not in header]:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if unknown := [column for column in header if column not in COLUMNS]:
        problems.append(f"unknown column(s) {', '.join(unknown)}")
    if problems:
        raise CommandError(f"{path.name}, line 1: {'; '.join(problems)}.")


def parse(path: Path) -> ParsedFile:
    """Read and check the whole file; raise CommandError naming the first bad line."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CommandError(f"{path.name}, line {line}: not UTF-8 ({error.reason}).") from error
    municipalities: dict[str, tuple[MunicipalityData, int]] = {}
    claims: dict[tuple[str, str], tuple[str, int]] = {}
    shared: set[tuple[str, str]] = set()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        raise CommandError(f"{path.name}, line 1: {error}.") from error
    _check_header(path, header)
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if None in row or None in row.values():
                raise ValueError(f"expected {len(COLUMNS)} fields")
            row = {key: value.strip() for key, value in row.items()}
            municipality = _municipality(row)
            known = municipalities.get(municipality.nis_code)
            if known is None:
                municipalities[municipality.nis_code] = (municipality, line)
            elif known[0] != municipality:
                raise ValueError(
                    f"municipality {municipality.nis_code} does not match line {known[1]}"
                )
            key = _postcode(row)
            if key is None:
                continue
            claim = claims.get(key)
            if claim is None or claim[0] == municipality.nis_code:
                claims.setdefault(key, (municipality.nis_code, line))
                continue
            shared.add(key)
            other = municipalities[claim[0]][0]
            if municipality.valid_until is None and other.valid_until is None:
                raise ValueError(
                    f"{key[0]} {key[1]} is also listed under municipality "
                    f"{other.nis_code} (line {claim[1]}), and both are still valid"
                )
            if _outranks(municipality, other):
                claims[key] = (municipality.nis_code, line)
    except csv.Error as error:
        raise CommandError(f"{path.name}, line {reader.line_num}: {error}.") from error
    except ValueError as error:
        raise CommandError(f"{path.name}, line {line}: {error}.") from error
    if not municipalities:
        raise CommandError(f"{path.name} has no rows.")
    return ParsedFile(
        municipalities={nis: data for nis, (data, _) in municipalities.items()},
        postcodes={key: nis for key, (nis, _) in claims.items()},
        shared=len(shared),
    )


class Command(BaseCommand):
    help = "Load (create or update) municipalities and postcodes from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=DEFAULT_PATH,
            help="CSV file to load (default: the list shipped with the partners app).",
        )

    def handle(self, *args, path: Path, **options):
        parsed = parse(path)
        with transaction.atomic():
            municipality_counts = self._municipalities(parsed)
            postcode_counts = self._postcodes(parsed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Municipalities: {len(parsed.municipalities)} in file; {municipality_counts}."
            )
        )
        self.stdout.write(
            self.style.SUCCESS(f"Postcodes: {len(parsed.postcodes)} in file; {postcode_counts}.")
        )
        if parsed.shared:
            self.stdout.write(
                f"{parsed.shared} postcode place(s) listed under more than one municipality "
                "(mergers) are linked to the municipality that is still valid."
            )

    def _municipalities(self, parsed: ParsedFile) -> str:
        existing = {
            values[0]: MunicipalityData(*values)
            for values in Municipality.objects.filter(
                nis_code__in=parsed.municipalities
            ).values_list("nis_code", *MUNICIPALITY_FIELDS)
        }
        pending = [data for nis, data in parsed.municipalities.items() if existing.get(nis) != data]
        Municipality.objects.bulk_create(
            [Municipality(**asdict(data)) for data in pending],
            update_conflicts=True,
            unique_fields=["nis_code"],
            update_fields=MUNICIPALITY_FIELDS,
            batch_size=BATCH_SIZE,
        )
        return _counts(len(parsed.municipalities), [data.nis_code for data in pending], existing)

    def _postcodes(self, parsed: ParsedFile) -> str:
        ids = dict(
            Municipality.objects.filter(nis_code__in=parsed.municipalities).values_list(
                "nis_code", "pk"
            )
        )
        codes = {code for code, _ in parsed.postcodes}
        existing = {
            (code, name): municipality_id
            for code, name, municipality_id in Postcode.objects.filter(code__in=codes).values_list(
                "code", "name", "municipality_id"
            )
        }
        pending = [key for key, nis in parsed.postcodes.items() if existing.get(key) != ids[nis]]
        Postcode.objects.bulk_create(
            [
                Postcode(code=code, name=name, municipality_id=ids[parsed.postcodes[code, name]])
                for code, name in pending
            ],
            update_conflicts=True,
            unique_fields=["code", "name"],
            update_fields=["municipality"],
            batch_size=BATCH_SIZE,
        )
        return _counts(len(parsed.postcodes), pending, existing)


def _counts(total: int, written: list, existing: dict) -> str:
    """Summarise an upsert: ``written`` holds the keys of the rows that were new or differed."""
    created = sum(1 for key in written if key not in existing)
    changed = len(written) - created
    return f"{created} created, {changed} changed, {total - len(written)} unchanged"
