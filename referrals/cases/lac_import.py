"""Import of the LAC list a water company sends before a LAC session.

Expected file (see referrals/data/README.md and the example beside it): CSV
with ``;`` between columns, a header row, UTF-8 (with or without BOM) or
Windows-1252, decimal comma, dates as dd/mm/yyyy. Columns:

``watermaatschappij`` (required; one of the known water companies),
``klantnummer`` (required), ``naam`` (required), ``straat`` (required),
``postcode`` (required, four digits), ``gemeente`` (place; picks among the
places of a postcode), ``bedrag`` (required: ``1.234,56``, ``1 234,56``, ``412,35`` or
``412.35``, with or without ``€``; ``1.234`` or ``1,234`` is refused as ambiguous, and so
is a negative amount, one with more than two decimals or one above ``MAX_AMOUNT``),
``sociaal_tarief`` (ja/nee), ``begrenzer_sinds`` (date), ``gsm``,
``verantwoordingsnota``.

``preview`` parses and plans without writing; ``apply`` writes the plan in
one transaction (all or nothing). A row whose case already holds the same
values changes nothing, so importing the same file twice is harmless.

Where the work runs: a list of up to ``BACKGROUND_ROWS`` rows is checked when it is
uploaded and imported when it is confirmed, in the web request. A longer one (every
row counts, unchanged ones too: each is read, checked and compared) is checked by a
worker (``receive_list`` → ``check_in_background``) and imported by one
(``confirm`` → ``tasks.run_lac_import``); the person watches ``watch(lac)``, fed by
``Progress``.

A list can hold tens of thousands of rows. The steps are plain Django; only the
bulk reads and writes take a shorter road on PostgreSQL (one array parameter
instead of a placeholder per value, COPY instead of model instances), behind
``bulk.use_fast_path()``, and write exactly what the ORM would (see the tests).
"""

from __future__ import annotations

import csv
import io
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.numberformat import format as number_format
from django.utils.translation import gettext as _

from partners.models import Organisation, Postcode
from portal.core import audit, bulk
from portal.core.tasks import enqueue
from referrals.cases.models import (
    AgendaItem,
    ArrearsChange,
    ArrearsRecord,
    Case,
    LacImport,
    LacSession,
    change_text,
)
from referrals.referrals.models import Client, Referral

REQUIRED = ["watermaatschappij", "klantnummer", "naam", "straat", "postcode", "bedrag"]
OPTIONAL = ["gemeente", "sociaal_tarief", "begrenzer_sinds", "gsm", "verantwoordingsnota"]
YES = {"ja", "j", "yes", "1", "true", "oui"}
NO = {"nee", "n", "no", "0", "false", "non", ""}

# Lists with more rows are checked and imported by a worker, not in the web request.
BACKGROUND_ROWS = 2000
# What the preview page of a list checked in the background shows, at most.
PREVIEW_ROWS = 200
PREVIEW_PROBLEMS = 1000
# What a list may be in when it is imported: previewed, queued, or taken up by a worker
# (again, after one that stopped).
IMPORTABLE = (LacImport.Status.PREVIEW, LacImport.Status.QUEUED, LacImport.Status.IMPORTING)

logger = logging.getLogger(__name__)


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, separator, header)."""


@dataclass
class Row:
    line: int
    water_company: Organisation
    customer_number: str
    full_name: str
    street: str
    postcode: Postcode
    amount: Decimal
    protected: bool
    limiter_since: date | None
    phone: str
    note: str
    action: str = ""  # create / update / match / unchanged
    case_id: int | None = None
    client_id: int | None = None


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def summary(self) -> dict:
        return {a: self.count(a) for a in ("create", "match", "update", "unchanged")} | {
            "problems": len(self.problems)
        }


def decode(raw: bytes) -> str:
    if not raw.strip():
        raise ImportFileError(_("The file is empty."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise ImportFileError(
        _("The file is not a text file we can read. Save it as CSV (UTF-8 or Windows).")
    )


# Amounts as a Belgian list writes them: thousands grouped by a point or a space, a comma
# before the cents (1.234,56; 1 234,56; 412,35); or plain, with a point before the cents and
# no grouping (412.35). A space (Excel's may be a non-breaking one) never marks the cents.
_BELGIAN = re.compile(r"(\d+|[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d{0,2}(?: \d{3})+)(?:,(\d+))?")
_PLAIN = re.compile(r"(\d+|[1-9]\d{0,2}(?: \d{3})+)(?:\.(\d+))?")
# One point or comma with three digits after it: thousands (1.234) or decimals (1,234)?
_TWO_WAYS = re.compile(r"([1-9]\d{0,2})[.,](\d{3})")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})

_AMOUNT_FIELD = ArrearsRecord._meta.get_field("amount_outstanding")
PLACES = _AMOUNT_FIELD.decimal_places
CENT = Decimal(1).scaleb(-PLACES)
# No household owes the water company this much; a larger figure is a slip in the export
# (cents without their comma, a column shifted). Well below what the record can hold
# (99.999.999,99), so nothing the preview accepts can overflow it when confirmed.
MAX_AMOUNT = min(
    Decimal("100000.00"),
    Decimal(10) ** (_AMOUNT_FIELD.max_digits - PLACES) - CENT,
).quantize(CENT)


def _belgian(amount: Decimal) -> str:
    return number_format(
        amount, ",", decimal_pos=PLACES, grouping=3, thousand_sep=".", force_grouping=True
    )


def _amount(value: str) -> Decimal:
    """The amount a row owes, or a ValueError saying what to write instead."""
    cleaned = value.translate(_SPACES).strip().removeprefix("€").removesuffix("€").strip()
    negative = cleaned.startswith(("-", "\u2212"))
    cleaned = cleaned.lstrip("-\u2212").strip().removeprefix("€").strip()
    two_ways = _TWO_WAYS.fullmatch(cleaned)
    if two_ways:
        thousands = Decimal("".join(two_ways.groups()))
        message = _(
            "the amount “%(v)s” is ambiguous (thousands or cents?): write %(thousands)s if it"
            " means thousands; cents come after a comma, at most two, like 412,35"
        )
        raise ValueError(message % {"v": value, "thousands": _belgian(thousands)})
    found = _BELGIAN.fullmatch(cleaned) or _PLAIN.fullmatch(cleaned)
    if found is None:
        message = _("the amount “%(v)s” is not a number like 1.234,56") % {"v": value}
        raise ValueError(message)
    if negative:
        message = _("the amount “%(v)s” is negative: arrears cannot be below 0,00")
        raise ValueError(message % {"v": value})
    whole, cents = found[1].replace(".", "").replace(" ", ""), found[2] or ""
    if len(cents) > PLACES:
        message = _(
            "the amount “%(v)s” has more than two decimals: round it to the cent, like 412,35"
        )
        raise ValueError(message % {"v": value})
    amount = Decimal(f"{whole}.{cents or 0}")
    if amount > MAX_AMOUNT:
        message = _("the amount “%(v)s” is more than %(max)s: check it with the water company")
        raise ValueError(message % {"v": value, "max": _belgian(MAX_AMOUNT)})
    return amount.quantize(CENT)  # 87,1 as the record holds it: 87.10


def _date(value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return datetime.strptime(value.strip(), "%d/%m/%Y").date()  # noqa: DTZ007 - a date
    except ValueError:
        message = _("the date “%(v)s” is not a date like 31/12/2026") % {"v": value}
        raise ValueError(message) from None


def _yes_no(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise ValueError(_("“%(v)s” should be ja or nee") % {"v": value})


def read(raw: bytes) -> tuple[list[dict], list[str]]:
    """Rows as dicts keyed by lower-case column name, and the header."""
    return _read_text(decode(raw))


def _read_text(text: str) -> tuple[list[dict], list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=";")
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        raise ImportFileError(
            _("The columns must be separated by a semicolon (;), not a comma or a tab.")
        )
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportFileError(
            _("These columns are missing: %(cols)s.") % {"cols": ", ".join(missing)}
        )
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        rows.append(dict(zip(header, (v.strip() for v in values), strict=False)))
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return rows, header


def preview(raw: bytes, *, ocmw: Organisation, progress: Progress | None = None) -> Plan:
    """Check every row and decide what it will do; writes nothing."""
    progress = progress or Progress.quiet()
    plan = _check(raw, ocmw=ocmw, progress=progress)
    total = len(plan.rows) + len(plan.problems)
    progress(LacImport.Phase.MATCH, 0, total)
    _match(plan, ocmw)
    progress(LacImport.Phase.MATCH, total, total)
    return plan


def _check(raw: bytes, *, ocmw: Organisation, progress: Progress) -> Plan:
    """Read and check every row; the rows' actions are left for ``_match``."""
    rows, _header = read(raw)
    companies = {
        o.name.lower(): o for o in Organisation.objects.filter(kind=Organisation.Kind.WATER_COMPANY)
    }
    served = set(ocmw.serves.values_list("pk", flat=True))
    codes = {r.get("postcode", "") for r in rows}
    postcodes: dict[str, list[Postcode]] = {}
    for postcode in Postcode.objects.filter(code__in=codes).select_related("municipality"):
        postcodes.setdefault(postcode.code, []).append(postcode)
    plan = Plan()
    seen: dict[tuple[int, str], int] = {}
    for offset, values in enumerate(rows):
        if offset % 500 == 0:
            progress(LacImport.Phase.CHECK, offset, len(rows))
        line = offset + 2  # the header is line 1
        try:
            row = _parse(values, line, companies, postcodes, served)
        except ValueError as problem:
            plan.problems.append((line, str(problem)))
            continue
        key = (row.water_company.pk, row.customer_number)
        if key in seen:
            plan.problems.append(
                (line, _("the same customer number as line %(n)s") % {"n": seen[key]})
            )
            continue
        seen[key] = line
        plan.rows.append(row)
    return plan


def _parse(values, line, companies, postcodes, served) -> Row:
    missing = [name for name in REQUIRED if not values.get(name)]
    if missing:
        raise ValueError(_("empty: %(cols)s") % {"cols": ", ".join(missing)})
    company = companies.get(values["watermaatschappij"].lower())
    if company is None:
        raise ValueError(_("unknown water company “%(v)s”") % {"v": values["watermaatschappij"]})
    options = postcodes.get(values["postcode"], [])
    if not options:
        raise ValueError(_("unknown postcode “%(v)s”") % {"v": values["postcode"]})
    place = values.get("gemeente", "").lower()
    postcode = next((p for p in options if p.name.lower() == place), options[0])
    if postcode.municipality_id not in served:
        raise ValueError(
            _("%(code)s %(place)s is not served by this OCMW")
            % {"code": postcode.code, "place": postcode.name}
        )
    return Row(
        line=line,
        water_company=company,
        customer_number=values["klantnummer"],
        full_name=values["naam"],
        street=values["straat"],
        postcode=postcode,
        amount=_amount(values["bedrag"]),
        protected=_yes_no(values.get("sociaal_tarief", "")),
        limiter_since=_date(values.get("begrenzer_sinds", "")),
        phone=values.get("gsm", ""),
        note=values.get("verantwoordingsnota", ""),
    )


def _match(plan: Plan, ocmw: Organisation, *, lock: bool = False) -> None:
    """Decide per row: update an existing account, match a known client, or create. A problem
    instead if another OCMW follows the account, or an earlier row has the person or case."""
    records = _accounts(plan.rows, lock=lock)
    known = _known_clients(plan.rows, ocmw)
    found = {
        row.line: records.get((row.water_company.pk, row.customer_number)) for row in plan.rows
    }
    # A case or person -> the first line that has it (a case holds one account).
    taken: dict = {record.case_id: line for line, record in found.items() if record}
    problems = []
    for row in plan.rows:
        record = found[row.line]
        if record is None:
            person = _client_key(row.full_name, row.street, row.postcode.pk)
            row.case_id, row.client_id = known.get(person, (None, None))
            row.action = "match" if row.client_id else "create"
            earlier = taken.get(row.case_id) or taken.setdefault(person, row.line)
            if earlier != row.line:
                message = _("the same person (name and address) as line %(n)s") % {"n": earlier}
                problems.append((row.line, message))
        elif record.case__ocmw != ocmw.pk:  # nothing more of the other OCMW's case is told
            message = _(
                "this customer number is already followed by another OCMW;"
                " check it with the water company."
            )
            problems.append((row.line, message))
        else:
            row.case_id = record.case_id
            figures = (row.amount, row.protected, row.limiter_since, row.note)
            same = tuple(getattr(record, name) for name in ARREARS_FIGURES) == figures
            row.action = "unchanged" if same else "update"
    plan.rows = [row for row in plan.rows if row.line not in dict(problems)]
    plan.problems = sorted(plan.problems + problems)


def _known_clients(rows: list[Row], ocmw: Organisation) -> dict:
    """(case id or None, client id) by name and address, of clients the OCMW already knows."""
    known = {}
    # Open cases first, then clients of referrals it received.
    spellings = bulk.among(_spellings(rows), "text")
    open_cases = (
        Case.objects.filter(ocmw=ocmw, client__full_name__in=spellings)
        .exclude(status=Case.Status.CLOSED)
        .order_by("pk")
        .values_list("pk", "client_id", "client__full_name", "client__street", "client__postcode")
    )
    for case_id, client_id, *person in open_cases:
        known.setdefault(_client_key(*person), (case_id, client_id))
    # Drafts are not sent yet (no consent): the OCMW does not know these clients.
    referred = (
        Referral.objects.filter(receiving_ocmw=ocmw, client__full_name__in=spellings)
        .exclude(status=Referral.Status.DRAFT)
        .order_by("pk")
        .values_list("client_id", "client__full_name", "client__street", "client__postcode")
    )
    for client_id, *person in referred:
        known.setdefault(_client_key(*person), (None, client_id))
    return known


def _accounts(rows: list[Row], *, lock: bool) -> dict:
    """The file's accounts' arrears records, any OCMW's, by (water company, customer number)."""
    records = ArrearsRecord.objects.all()
    if bulk.use_fast_path():
        # A join against the file's (company, number) pairs, so the unique index finds each
        # account; with an IN list per column the planner reads every account of the companies.
        pairs = RawSQL(
            "SELECT a.id FROM unnest(%s::bigint[], %s::text[]) AS f(company, number)"
            " JOIN referrals_arrearsrecord a"
            " ON a.water_company_id = f.company AND a.customer_number = f.number",
            ([row.water_company.pk for row in rows], [row.customer_number for row in rows]),
        )
        records = records.filter(pk__in=pairs)
    else:
        records = records.filter(
            water_company__in={row.water_company.pk for row in rows},
            customer_number__in={row.customer_number for row in rows},
        )
    if lock:
        # While importing, what was compared stays as read until the import commits.
        records = records.select_for_update(of=("self",))
    return {
        (record.water_company_id, record.customer_number): record
        for record in records.values_list(
            "case_id",
            "case__ocmw",
            "water_company_id",
            "customer_number",
            *ARREARS_FIGURES,
            named=True,
        )
    }


def _client_key(full_name: str, street: str, postcode_id: int) -> tuple[str, str, int]:
    return (full_name.lower(), street.lower(), postcode_id)


def _spellings(rows: list[Row]) -> set[str]:
    """Names as written in the file; the comparison itself is case-insensitive."""
    return {row.full_name for row in rows} | {row.full_name.title() for row in rows}


@transaction.atomic
def apply(lac_import: LacImport, *, actor) -> dict:
    """Import a previewed file: all rows or none. Returns the summary.

    Imports into one session run one at a time: the session row is locked first, so a
    second run of the same list (a retry, a second worker) waits here and then finds
    it imported. The import's own row is held only against a change of the list
    itself (``_hold``), so that the progress line of a list a worker imports
    (``Progress``, written while this transaction is open) can update it meanwhile."""
    session = LacSession.objects.select_for_update().get(pk=lac_import.session_id)
    _hold(lac_import.pk)
    lac_import = LacImport.objects.select_related("ocmw").get(pk=lac_import.pk)
    if lac_import.status == LacImport.Status.IMPORTED:
        raise ImportFileError(_("This file was already imported."))
    if lac_import.status not in IMPORTABLE:
        raise ImportFileError(_("This list cannot be imported. Upload the file again."))
    # Only a list a worker imports has someone watching its progress.
    watched = lac_import.status == LacImport.Status.IMPORTING
    with Progress(lac_import.pk) if watched else Progress.quiet() as progress:
        summary = _write(lac_import, session, actor=actor, progress=progress)
    # Written last, after the last progress line: this locks the import's row until the
    # commit, and only then do watchers see it imported.
    lac_import.status = LacImport.Status.IMPORTED
    lac_import.summary = summary
    lac_import.phase = ""
    lac_import.checked = {}  # the check's copy of rows goes: retention strips ``content`` only
    lac_import.save(update_fields=["status", "summary", "phase", "checked"])
    audit.record("lac.import", session, actor=actor, organisation=lac_import.ocmw, data=summary)
    return summary


def _hold(lac_import_id: int) -> None:
    """Hold the list's row until the import commits (PostgreSQL's FOR KEY SHARE): retention,
    which strips stored lists (``FOR UPDATE``), waits for the import, and a second
    "confirm" (``FOR NO KEY UPDATE``) and the progress lines (an UPDATE of no key) do not.
    SQLite has one writer at a time anyway."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM referrals_lacimport WHERE id = %s FOR KEY SHARE", [lac_import_id]
        )


def _write(lac_import: LacImport, session: LacSession, *, actor, progress: Progress) -> dict:
    from referrals.cases.services import arrears_team_of

    ocmw = lac_import.ocmw
    # Checked and matched again, the accounts locked: whatever changed since the preview
    # (another import, a manual edit) is what this import builds on, not the preview.
    plan = _check(lac_import.content.encode(), ocmw=ocmw, progress=progress)
    lines = len(plan.rows) + len(plan.problems)
    progress(LacImport.Phase.MATCH, 0, lines)
    _match(plan, ocmw, lock=True)
    if plan.problems:
        raise ImportFileError(_("Some rows have problems. Fix the file and upload it again."))
    team = arrears_team_of(ocmw)
    total = len(plan.rows)
    progress(LacImport.Phase.WRITE, 0, total)

    new_rows = [row for row in plan.rows if row.action == "create"]
    client_ids = bulk.insert_rows(
        Client,
        ("full_name", "street", "postcode_id", "phone", "registered_by_team_id"),
        [(row.full_name, row.street, row.postcode.pk, row.phone, team.pk) for row in new_rows],
    )
    for row, client_id in zip(new_rows, client_ids, strict=True):
        row.client_id = client_id
    # Known clients without a case yet (from a referral) get one too, linked to their referrals.
    caseless = [row for row in plan.rows if row.case_id is None]
    case_ids = bulk.insert_rows(
        Case,
        ("ocmw_id", "client_id", "origin", "team_id"),
        [(ocmw.pk, row.client_id, Case.Origin.LAC_LIST.value, team.pk) for row in caseless],
    )
    for row, case_id in zip(caseless, case_ids, strict=True):
        row.case_id = case_id
    matched = {row.client_id: row.case_id for row in caseless if row.action == "match"}
    referrals = (
        Referral.objects.filter(receiving_ocmw=ocmw, client_id__in=bulk.among(matched, "bigint"))
        .exclude(status=Referral.Status.DRAFT)
        .values_list("pk", "client_id")
    )
    bulk.insert_rows(
        Case.referrals.through,
        ("case_id", "referral_id"),
        [(matched[client_id], referral_id) for referral_id, client_id in referrals],
    )
    progress(LacImport.Phase.WRITE, total // 4, total)

    known_cases = [row.case_id for row in plan.rows if row.action != "create"]
    existing = dict(
        ArrearsRecord.objects.filter(case_id__in=bulk.among(known_cases, "bigint")).values_list(
            "case_id", "pk"
        )
    )
    to_create, to_update = [], []
    for row in plan.rows:
        figures = (row.amount, row.protected, row.limiter_since, row.note)
        record_id = existing.get(row.case_id)
        if record_id is None:
            to_create.append((row.case_id, row.water_company.pk, row.customer_number, *figures))
        elif row.action == "update":
            to_update.append((record_id, *figures))
    columns = ("case_id", "water_company_id", "customer_number", *ARREARS_FIGURES)
    try:
        bulk.insert_rows(ArrearsRecord, columns, to_create)
    except IntegrityError:  # an account another import took, and committed, while this one ran
        raise ImportFileError(
            _("Some rows have problems. Fix the file and upload it again.")
        ) from None
    updated = ArrearsRecord.objects.filter(pk__in=bulk.among([r[0] for r in to_update], "bigint"))
    before = {pk: figures for pk, *figures in updated.values_list("pk", *ARREARS_FIGURES)}
    _update_arrears(to_update)
    progress(LacImport.Phase.WRITE, total // 2, total)
    _keep_changes(to_create, to_update, before, actor=actor)
    progress(LacImport.Phase.WRITE, total * 3 // 4, total)
    # New files go after the last one on the agenda (positions may have gaps).
    on_agenda = dict(session.agenda.values_list("case_id", "position"))
    start = max(on_agenda.values(), default=0)
    bulk.insert_rows(
        AgendaItem,
        ("session_id", "case_id", "position"),
        [
            (session.pk, case_id, start + i + 1)
            for i, case_id in enumerate(
                sorted({row.case_id for row in plan.rows} - on_agenda.keys())
            )
        ],
    )
    progress(LacImport.Phase.WRITE, total, total, force=True)
    return plan.summary


def start_import(
    *, ocmw: Organisation, session: LacSession, actor, filename: str, raw: bytes
) -> tuple[LacImport, Plan]:
    """Store an uploaded file for preview (nothing is imported yet), checked now."""
    plan = preview(raw, ocmw=ocmw)
    lac_import = LacImport.objects.create(
        ocmw=ocmw,
        session=session,
        uploaded_by=actor,
        filename=filename[:200],
        content=decode(raw),
        summary=plan.summary,
        row_count=len(plan.rows) + len(plan.problems),
    )
    return lac_import, plan


def receive_list(
    *, ocmw: Organisation, session: LacSession, actor, filename: str, raw: bytes
) -> tuple[LacImport, Plan | None]:
    """An upload: checked now when the list is short (its plan comes back), by a worker
    when it has more than ``BACKGROUND_ROWS`` rows (None comes back; the preview page
    follows the check). A file that cannot be read at all is refused now, either way
    (``ImportFileError``)."""
    from referrals.cases.tasks import check_lac_import

    text = decode(raw)
    rows, _header = _read_text(text)
    if len(rows) <= BACKGROUND_ROWS:
        return start_import(ocmw=ocmw, session=session, actor=actor, filename=filename, raw=raw)
    with transaction.atomic():
        lac_import = LacImport.objects.create(
            ocmw=ocmw,
            session=session,
            uploaded_by=actor,
            filename=filename[:200],
            content=text,
            status=LacImport.Status.CHECKING,
            row_count=len(rows),
            progress_total=len(rows),
            queued_at=timezone.now(),
        )
        enqueue(check_lac_import, lac_import.pk)
    return lac_import, None


def rows_in_list(lac_import: LacImport) -> int:
    """Every row of the file; for a list uploaded before they were counted, the preview's."""
    return lac_import.row_count or sum(
        lac_import.summary.get(kind, 0)
        for kind in ("create", "match", "update", "unchanged", "problems")
    )


def runs_in_background(lac_import: LacImport) -> bool:
    """Whether a worker imports the list: every row counts, unchanged ones as well (each
    is read, checked, compared and locked)."""
    return rows_in_list(lac_import) > BACKGROUND_ROWS


def confirm(lac_import: LacImport, *, actor) -> dict | None:
    """The person confirms a previewed list.

    A short list is imported now and its summary comes back. A long one is queued for
    a worker: "queued" and the job are written in this one transaction (the job
    commits with it, or neither does), and None comes back. A list that is queued or
    being imported already queues nothing more: None again (show its progress)."""
    from referrals.cases.tasks import run_lac_import

    with transaction.atomic():
        # No key: a press while the list is being imported does not wait for the import.
        lac_import = (
            LacImport.objects.select_for_update(of=("self",), no_key=True)
            .select_related("ocmw", "session")
            .get(pk=lac_import.pk)
        )
        if lac_import.status in (LacImport.Status.QUEUED, LacImport.Status.IMPORTING):
            return None
        if lac_import.status == LacImport.Status.IMPORTED:
            raise ImportFileError(_("This file was already imported."))
        if lac_import.status != LacImport.Status.PREVIEW:
            raise ImportFileError(_("This list cannot be imported. Upload the file again."))
        if not runs_in_background(lac_import):
            return apply(lac_import, actor=actor)
        lac_import.status = LacImport.Status.QUEUED
        lac_import.queued_at = timezone.now()
        lac_import.heartbeat_at = None
        lac_import.phase = ""
        lac_import.progress_done = 0
        lac_import.progress_total = rows_in_list(lac_import)
        lac_import.save(
            update_fields=[
                "status",
                "queued_at",
                "heartbeat_at",
                "phase",
                "progress_done",
                "progress_total",
            ]
        )
        audit.record(
            "lac.import.queued",
            lac_import.session,
            actor=actor,
            organisation=lac_import.ocmw,
            data={"rows": rows_in_list(lac_import)},
        )
        enqueue(run_lac_import, lac_import.pk, actor.pk)
    return None


def start_running(lac_import: LacImport) -> None:
    """A worker takes the list up: "being imported", and a first sign of life. Run
    outside a transaction, so the watcher sees it before the import itself starts;
    a run taken over from a worker that stopped takes it up again."""
    LacImport.objects.filter(pk=lac_import.pk, status__in=IMPORTABLE).update(
        status=LacImport.Status.IMPORTING,
        phase=LacImport.Phase.CHECK,
        progress_done=0,
        progress_total=rows_in_list(lac_import),
        heartbeat_at=timezone.now(),
    )


def mark_failed(lac_import_id: int, failure: str) -> None:
    """The check or import stopped with an error (after its transaction rolled back);
    a list imported meanwhile stays imported, one that failed before keeps its reason."""
    active = (LacImport.Status.CHECKING, *IMPORTABLE)
    LacImport.objects.filter(pk=lac_import_id, status__in=active).update(
        status=LacImport.Status.FAILED, failure=failure, phase="", checked={}
    )


def check_in_background(lac_import_id: int) -> dict:
    """The check (preview) of a long list, by a worker. The plan's summary, its problems
    and its first rows are kept for the preview page, and the list then waits for
    confirmation. Writes nothing else, so a second run changes nothing; problems are
    written in the language of the person who uploaded the list."""
    lac_import = LacImport.objects.select_related("ocmw", "uploaded_by").get(pk=lac_import_id)
    if lac_import.status != LacImport.Status.CHECKING:
        return lac_import.summary
    total = rows_in_list(lac_import)
    LacImport.objects.filter(pk=lac_import.pk).update(
        phase=LacImport.Phase.CHECK,
        progress_done=0,
        progress_total=total,
        heartbeat_at=timezone.now(),
    )
    with translation.override(lac_import.uploaded_by.language), Progress(lac_import.pk) as progress:
        plan = preview(lac_import.content.encode(), ocmw=lac_import.ocmw, progress=progress)
        checked = {
            "problems": [[line, str(text)] for line, text in plan.problems[:PREVIEW_PROBLEMS]],
            "rows": [_shown(row) for row in plan.rows[:PREVIEW_ROWS]],
        }
    LacImport.objects.filter(pk=lac_import.pk, status=LacImport.Status.CHECKING).update(
        status=LacImport.Status.PREVIEW,
        summary=plan.summary,
        checked=checked,
        phase="",
        progress_done=total,
        heartbeat_at=timezone.now(),
    )
    return plan.summary


def _shown(row: Row) -> dict:
    """A row as the preview page shows it."""
    return {
        "line": row.line,
        "full_name": row.full_name,
        "street": row.street,
        "postcode": {"code": row.postcode.code, "name": row.postcode.name},
        "amount": str(row.amount),
        "action": row.action,
    }


@dataclass(frozen=True)
class Shown:
    """What the preview page shows of a plan: counts, problems and the first rows."""

    summary: dict
    problems: list
    rows: list
    row_total: int

    @property
    def problem_total(self) -> int:
        return self.summary.get("problems", len(self.problems))


def shown_plan(lac_import: LacImport) -> Shown | None:
    """The preview of an upload: kept by the background check of a long list, made now
    for a short one (as it stands now). Once a long list is imported (or failed), only
    its counts: the check's copy of its rows is gone (see ``apply``), and checking it
    again would take the request as long as the check took the worker. None while
    there is no preview (being checked, or the check failed)."""
    summary = lac_import.summary
    planned = sum(summary.get(kind, 0) for kind in ("create", "match", "update", "unchanged"))
    if lac_import.checked:
        return Shown(summary, lac_import.checked["problems"], lac_import.checked["rows"], planned)
    if lac_import.status == LacImport.Status.CHECKING or not summary:
        return None
    if lac_import.status != LacImport.Status.PREVIEW and runs_in_background(lac_import):
        return Shown(summary, [], [], planned)
    plan = preview(lac_import.content.encode(), ocmw=lac_import.ocmw)
    return Shown(plan.summary, plan.problems, plan.rows[:PREVIEW_ROWS], len(plan.rows))


# --- How far a check or an import got ------------------------------------------------------


def progress_key(lac_import_id: int) -> str:
    """The cache's copy of how far it got: {"done": rows, "total": rows}."""
    return f"lac-import-progress:{lac_import_id}"


def _beat_key(lac_import_id: int) -> str:
    """The cache's copy of the last sign of life: {"phase": ..., "at": ISO time}."""
    return f"lac-import-beat:{lac_import_id}"


# The progress line: an UPDATE of no key, which the import's hold on the row (FOR KEY
# SHARE, see ``_hold``) lets through. SKIP LOCKED: when the row is locked otherwise (the
# import writing its status, retention) the line never waits or deadlocks; it is left out.
_PROGRESS_SQL = """
    UPDATE referrals_lacimport
       SET phase = %s, progress_done = %s, progress_total = %s, heartbeat_at = %s
     WHERE id = (
        SELECT id FROM referrals_lacimport WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED
     )
"""


class Progress:
    """How far a worker's check or import of a list got, written where the person
    waiting sees it while the work's own transaction is still open.

    - PostgreSQL: the import's row gets phase, rows done and total, and the time of
      this sign of life, through a second connection of its own, in autocommit,
      opened at the first line and closed at the end. So each line is committed at
      once, while the import's transaction (which does not lock that row before its
      last statement, see ``apply``) is still open. The import being done is only
      seen when it commits its status.
    - SQLite (the demo and quick tests): a second connection would wait for the
      writer's lock, so the lines go through the cache only (the demo's worker is a
      thread of the web process, sharing its memory cache); the row gets the first
      sign of life before the transaction (``start_running``) and the outcome when it
      commits.
    - The cache gets each line on PostgreSQL too (``progress_key``); a cache that is
      away loses lines, never the import. ``watch`` takes the newest.

    At most one line a second, apart from a new phase and a forced line.
    """

    EVERY_SECONDS = 1.0

    def __init__(self, lac_import_id: int | None):
        self.lac_import_id = lac_import_id
        self._side = None
        self._side_broken = False
        self._last: tuple[str, float] | None = None

    @classmethod
    def quiet(cls) -> Progress:
        """Nobody watches (a short list, in the web request): no lines."""
        return cls(None)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None

    def __call__(self, phase: str, done: int, total: int, *, force: bool = False) -> None:
        if self.lac_import_id is None:
            return
        now = time.monotonic()
        if not force and self._last is not None:
            last_phase, last_at = self._last
            if last_phase == phase and now - last_at < self.EVERY_SECONDS:
                return
        self._last = (str(phase), now)
        at = timezone.now()
        self._to_database(str(phase), done, total, at)
        self._to_cache(str(phase), done, total, at)

    def _to_database(self, phase: str, done: int, total: int, at) -> None:
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql" or self._side_broken:
            return
        try:
            if self._side is None:
                self._side = connections.create_connection(DEFAULT_DB_ALIAS)
            with self._side.cursor() as cursor:
                cursor.execute(_PROGRESS_SQL, [phase, done, total, at, self.lac_import_id])
        except DatabaseError:
            # A progress line is never worth failing the import for.
            logger.warning("no progress line for LAC import %s", self.lac_import_id, exc_info=True)
            self._side_broken = True
            self.close()

    def _to_cache(self, phase: str, done: int, total: int, at) -> None:
        try:
            cache.set_many(
                {
                    progress_key(self.lac_import_id): {"done": done, "total": total},
                    _beat_key(self.lac_import_id): {"phase": phase, "at": at.isoformat()},
                },
                3600,
            )
        except Exception:  # Redis away: the import goes on without its progress line
            logger.warning("no progress line in the cache for LAC import %s", self.lac_import_id)


@dataclass(frozen=True)
class Watch:
    """What the person waiting for a check or an import is told.

    ``state``: "waiting" (for a worker, since ``waiting_since``), "running" (``phase``,
    ``done`` of ``total`` rows, last sign of life ``quiet_for`` seconds ago), "stalled"
    (no sign of life for longer than a worker may be silent: the worker stopped, and
    its job is handed to another one), "ready" (checked, waiting for confirmation),
    "imported" (committed) or "failed" (``failure``). ``job``: "check" or "import"."""

    state: str
    job: str
    phase: str = ""
    done: int = 0
    total: int = 0
    waiting_since: datetime | None = None
    quiet_for: int | None = None
    failure: str = ""

    @property
    def polling(self) -> bool:
        return self.state in ("waiting", "running", "stalled")

    @property
    def phase_label(self) -> str:
        return LacImport.Phase(self.phase).label if self.phase in LacImport.Phase.values else ""


def watch(lac_import: LacImport, *, now: datetime | None = None) -> Watch:
    """How the check or the import of a list stands, from its row and the cache's
    newest sign of life (see ``Progress``)."""
    Status = LacImport.Status
    now = now or timezone.now()
    status = lac_import.status
    job = "check" if status == Status.CHECKING or not lac_import.summary else "import"
    if status == Status.IMPORTED:
        return Watch("imported", "import", done=lac_import.progress_total)
    if status == Status.FAILED:
        return Watch("failed", job, failure=lac_import.failure or LacImport.Failure.ERROR)
    if status == Status.PREVIEW:
        return Watch("ready", "check")
    phase, done, total = lac_import.phase, lac_import.progress_done, lac_import.progress_total
    beat = lac_import.heartbeat_at
    if status == Status.QUEUED or beat is None:
        return Watch("waiting", job, waiting_since=lac_import.queued_at, total=total)
    cached = _cached_line(lac_import.pk)
    if cached is not None and cached[3] > beat:
        phase, done, total, beat = cached
    quiet_for = max(int((now - beat).total_seconds()), 0)
    state = "stalled" if quiet_for > settings.PORTAL_WORKER_LOST_AFTER else "running"
    return Watch(state, job, phase=phase, done=done, total=total, quiet_for=quiet_for)


def _cached_line(lac_import_id: int) -> tuple[str, int, int, datetime] | None:
    try:
        lines = cache.get_many([progress_key(lac_import_id), _beat_key(lac_import_id)])
        how_far, beat = lines[progress_key(lac_import_id)], lines[_beat_key(lac_import_id)]
        at = datetime.fromisoformat(beat["at"])
        return beat["phase"], int(how_far["done"]), int(how_far["total"]), at
    except Exception:  # nothing there, or the cache is away: the row's line stands
        return None


# --- Thousands of rows at once --------------------------------------------------------------

# What the list says about an account; an update writes these (and raises the version).
ARREARS_FIGURES = (
    "amount_outstanding",
    "protected_customer",
    "flow_limiter_since",
    "justification_note",
)


def _keep_changes(to_create: list[tuple], to_update: list[tuple], before: dict, *, actor) -> None:
    """One ``ArrearsChange`` per account the list created or changed, with both values."""
    changes = []
    for record_id, *figures in to_update:
        values = {
            name: [change_text(old), change_text(new)]
            for name, old, new in zip(ARREARS_FIGURES, before[record_id], figures, strict=True)
            if change_text(old) != change_text(new)
        }
        if values:
            changes.append(ArrearsChange(record_id=record_id, actor=actor, values=values))
    created = {row[0]: row for row in to_create}
    new_records = ArrearsRecord.objects.filter(case_id__in=bulk.among(list(created), "bigint"))
    columns = ("water_company", "customer_number", *ARREARS_FIGURES)
    for record_id, case_id in new_records.values_list("pk", "case_id"):
        values = {
            name: [None, change_text(value)]
            for name, value in zip(columns, created[case_id][1:], strict=True)
        }
        changes.append(ArrearsChange(record_id=record_id, actor=actor, values=values))
    for change in changes:
        change.source = ArrearsChange.Source.LAC_IMPORT
    ArrearsChange.objects.bulk_create(changes, batch_size=2000)


def _update_arrears(rows: list[tuple]) -> None:
    """Write new figures: (record id, *ARREARS_FIGURES) per record, each version one
    higher and ``updated_at`` now, as a change by hand would."""
    now = timezone.now()
    if not rows:
        return
    with connection.cursor() as cursor:
        if bulk.use_fast_path():
            cursor.execute(
                """UPDATE referrals_arrearsrecord AS a
                   SET amount_outstanding = f.amount, protected_customer = f.protected,
                       flow_limiter_since = f.limiter_since, justification_note = f.note,
                       version = a.version + 1, updated_at = %s
                   FROM unnest(%s::bigint[], %s::numeric[], %s::boolean[], %s::date[],
                               %s::text[]) AS f(id, amount, protected, limiter_since, note)
                   WHERE a.id = f.id""",
                [now, *(list(column) for column in zip(*rows, strict=True))],
            )
        else:
            cursor.executemany(
                """UPDATE referrals_arrearsrecord
                   SET amount_outstanding = %s, protected_customer = %s,
                       flow_limiter_since = %s, justification_note = %s,
                       version = version + 1, updated_at = %s
                   WHERE id = %s""",
                [(*figures, now, record_id) for record_id, *figures in rows],
            )
