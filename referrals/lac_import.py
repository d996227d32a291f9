"""Import of the LAC list a water company sends before a LAC session.

Expected file (see referrals/data/README.md and the example beside it): CSV
with ``;`` between columns, a header row, UTF-8 (with or without BOM) or
Windows-1252, decimal comma, dates as dd/mm/yyyy. Columns:

``watermaatschappij`` (required; one of the known water companies),
``klantnummer`` (required), ``naam`` (required), ``straat`` (required),
``postcode`` (required, four digits), ``gemeente`` (place; picks among the
places of a postcode), ``bedrag`` (required, e.g. ``1.234,56``),
``sociaal_tarief`` (ja/nee), ``begrenzer_sinds`` (date), ``gsm``,
``verantwoordingsnota``.

``preview`` parses and plans without writing; ``apply`` writes the plan in
one transaction (all or nothing). A row whose case already holds the same
values changes nothing, so importing the same file twice is harmless.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from partners.models import Organisation, Postcode
from portal import audit
from referrals.models import (
    AgendaItem,
    ArrearsRecord,
    Case,
    Client,
    LacImport,
    LacSession,
    Referral,
)

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


def _amount(value: str) -> Decimal:
    cleaned = value.strip().replace("€", "").replace(" ", "").replace(".", "").replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        message = _("the amount “%(v)s” is not a number like 1.234,56") % {"v": value}
        raise ValueError(message) from None
    if amount < 0 or amount.as_tuple().exponent < -2:
        raise ValueError(_("the amount “%(v)s” is not a valid amount") % {"v": value})
    return amount


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
    _match(plan, ocmw)
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


def _match(plan: Plan, ocmw: Organisation) -> None:
    """Decide per row: update an existing account, match a known client, or create."""
    numbers = {row.customer_number for row in plan.rows}
    records = {
        (r.water_company_id, r.customer_number): r
        for r in ArrearsRecord.objects.filter(
            # The water company too, so the (company, number) unique index finds them.
            water_company__in={row.water_company.pk for row in plan.rows},
            customer_number__in=numbers,
            case__ocmw=ocmw,
        )
    }
    names = {row.full_name.lower() for row in plan.rows}
    known = {}
    # Clients the OCMW already knows: open cases first, then clients of referrals it received.
    for case in (
        Case.objects.filter(ocmw=ocmw, client__full_name__in=_spellings(plan))
        .exclude(status=Case.Status.CLOSED)
        .select_related("client")
    ):
        known.setdefault(_client_key(case.client), (case.pk, case.client_id))
    # Drafts are not sent yet (no consent): the OCMW does not know these clients.
    for referral in (
        Referral.objects.filter(receiving_ocmw=ocmw, client__full_name__in=_spellings(plan))
        .exclude(status=Referral.Status.DRAFT)
        .select_related("client")
    ):
        known.setdefault(_client_key(referral.client), (None, referral.client_id))
    del names
    for row in plan.rows:
        record = records.get((row.water_company.pk, row.customer_number))
        if record is not None:
            row.case_id = record.case_id
            same = (
                record.amount_outstanding == row.amount
                and record.protected_customer == row.protected
                and record.flow_limiter_since == row.limiter_since
                and record.justification_note == row.note
            )
            row.action = "unchanged" if same else "update"
            continue
        match = known.get((row.full_name.lower(), row.street.lower(), row.postcode.pk))
        if match is not None:
            row.case_id, row.client_id = match
            row.action = "match"
        else:
            row.action = "create"


def _client_key(client: Client) -> tuple[str, str, int]:
    return (client.full_name.lower(), client.street.lower(), client.postcode_id)


def _spellings(plan: Plan) -> set[str]:
    """Names as written in the file; the comparison itself is case-insensitive."""
    return {row.full_name for row in plan.rows} | {row.full_name.title() for row in plan.rows}


def progress_key(lac_import_id: int) -> str:
    return f"lac-import-progress:{lac_import_id}"


@transaction.atomic
def apply(lac_import: LacImport, *, actor) -> dict:
    """Import a previewed file: all rows or none. Returns the summary."""
    from referrals.cases import arrears_team_of

    lac_import = LacImport.objects.select_for_update().get(pk=lac_import.pk)
    if lac_import.status != LacImport.Status.PREVIEW:
        raise ImportFileError(_("This file was already imported."))
    ocmw, session = lac_import.ocmw, lac_import.session
    plan = preview(lac_import.content.encode(), ocmw=ocmw)
    if plan.problems:
        raise ImportFileError(_("Some rows have problems. Fix the file and upload it again."))
    team = arrears_team_of(ocmw)
    total = len(plan.rows)

    new_rows = [row for row in plan.rows if row.action == "create"]
    clients = Client.objects.bulk_create(
        Client(
            full_name=row.full_name,
            street=row.street,
            postcode=row.postcode,
            phone=row.phone,
            registered_by_team=team,
        )
        for row in new_rows
    )
    for row, client in zip(new_rows, clients, strict=True):
        row.client_id = client.pk
    # Known clients without a case yet (from a referral) get one too, linked to their referrals.
    caseless = [row for row in plan.rows if row.case_id is None]
    cases = Case.objects.bulk_create(
        Case(ocmw=ocmw, client_id=row.client_id, origin=Case.Origin.LAC_LIST, team=team)
        for row in caseless
    )
    for row, case in zip(caseless, cases, strict=True):
        row.case_id = case.pk
    links = Case.referrals.through
    matched = {row.client_id: row.case_id for row in caseless if row.action == "match"}
    links.objects.bulk_create(
        links(case_id=matched[client_id], referral_id=referral_id)
        for referral_id, client_id in (
            Referral.objects.filter(receiving_ocmw=ocmw, client_id__in=list(matched))
            .exclude(status=Referral.Status.DRAFT)
            .values_list("pk", "client_id")
        )
    )
    cache.set(progress_key(lac_import.pk), {"done": len(new_rows) // 2, "total": total}, 3600)

    existing = {
        r.case_id: r
        for r in ArrearsRecord.objects.filter(
            case_id__in=[row.case_id for row in plan.rows if row.action != "create"]
        )
    }
    to_create, to_update = [], []
    for row in plan.rows:
        values = {
            "water_company": row.water_company,
            "customer_number": row.customer_number,
            "amount_outstanding": row.amount,
            "protected_customer": row.protected,
            "flow_limiter_since": row.limiter_since,
            "justification_note": row.note,
        }
        record = existing.get(row.case_id)
        if record is None:
            to_create.append(ArrearsRecord(case_id=row.case_id, **values))
        elif row.action == "update":
            for name, value in values.items():
                setattr(record, name, value)
            record.version += 1
            to_update.append(record)
    ArrearsRecord.objects.bulk_create(to_create)
    ArrearsRecord.objects.bulk_update(
        to_update,
        [
            "amount_outstanding",
            "protected_customer",
            "flow_limiter_since",
            "justification_note",
            "version",
        ],
        # bulk_update writes one CASE WHEN per row and field: its cost grows with the
        # square of the batch, so thousands of rows go in small batches.
        batch_size=250,
    )
    on_agenda = set(session.agenda.values_list("case_id", flat=True))
    start = len(on_agenda)
    AgendaItem.objects.bulk_create(
        AgendaItem(session=session, case_id=case_id, position=start + i + 1)
        for i, case_id in enumerate(sorted({row.case_id for row in plan.rows} - on_agenda))
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
