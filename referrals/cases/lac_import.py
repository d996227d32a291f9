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

A list can hold tens of thousands of rows. The steps are plain Django; only the
bulk reads and writes take a shorter road on PostgreSQL (one array parameter
instead of a placeholder per value, COPY instead of model instances), behind
``bulk.use_fast_path()``, and write exactly what the ORM would (see the tests).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.numberformat import format as number_format
from django.utils.translation import gettext as _

from partners.models import Organisation, Postcode
from portal.core import audit, bulk
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
    text = decode(raw)
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


def preview(raw: bytes, *, ocmw: Organisation) -> Plan:
    """Check every row and decide what it will do; writes nothing."""
    plan = _check(raw, ocmw=ocmw)
    _match(plan, ocmw)
    return plan


def _check(raw: bytes, *, ocmw: Organisation) -> Plan:
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


def progress_key(lac_import_id: int) -> str:
    return f"lac-import-progress:{lac_import_id}"


@transaction.atomic
def apply(lac_import: LacImport, *, actor) -> dict:
    """Import a previewed file: all rows or none. Returns the summary."""
    from referrals.cases.services import arrears_team_of

    lac_import = LacImport.objects.select_for_update().get(pk=lac_import.pk)
    if lac_import.status != LacImport.Status.PREVIEW:
        raise ImportFileError(_("This file was already imported."))
    ocmw, session = lac_import.ocmw, lac_import.session
    # Checked and matched again, the accounts locked: whatever changed since the preview
    # (another import, a manual edit) is what this import builds on, not the preview.
    plan = _check(lac_import.content.encode(), ocmw=ocmw)
    _match(plan, ocmw, lock=True)
    if plan.problems:
        raise ImportFileError(_("Some rows have problems. Fix the file and upload it again."))
    team = arrears_team_of(ocmw)
    total = len(plan.rows)

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
    cache.set(progress_key(lac_import.pk), {"done": len(new_rows) // 2, "total": total}, 3600)

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
    _keep_changes(to_create, to_update, before, actor=actor)
    on_agenda = set(session.agenda.values_list("case_id", flat=True))
    start = len(on_agenda)
    bulk.insert_rows(
        AgendaItem,
        ("session_id", "case_id", "position"),
        [
            (session.pk, case_id, start + i + 1)
            for i, case_id in enumerate(sorted({row.case_id for row in plan.rows} - on_agenda))
        ],
    )
    summary = plan.summary
    lac_import.status = LacImport.Status.IMPORTED
    lac_import.summary = summary
    lac_import.save(update_fields=["status", "summary"])
    audit.record("lac.import", session, actor=actor, organisation=ocmw, data=summary)
    cache.set(progress_key(lac_import.pk), {"done": total, "total": total}, 3600)
    return summary


def start_import(
    *, ocmw: Organisation, session: LacSession, actor, filename: str, raw: bytes
) -> tuple[LacImport, Plan]:
    """Store an uploaded file for preview (nothing is imported yet)."""
    plan = preview(raw, ocmw=ocmw)
    lac_import = LacImport.objects.create(
        ocmw=ocmw,
        session=session,
        uploaded_by=actor,
        filename=filename[:200],
        content=decode(raw),
        summary=plan.summary,
    )
    return lac_import, plan


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
