"""Retention: after an OCMW's retention period, finished referrals and closed
cases lose everything that identifies the client. Dates, statuses, channels
and outcomes stay (the figures and the what-works report keep working), and so
does the access log.

The LAC lists the OCMW uploaded are kept as text (``LacImport.content``), so the
water company's rows would outlive the pseudonymised case. The rule:

- When retention purges, every stored list loses the rows that identify a purged
  client: a row goes when any cell holds the client's name (any case, as the import
  compares names; a note may name them too) or its ``klantnummer`` is the customer
  number of a purged case's account (read before it is pseudonymised). The list's
  summary, status and history entry stay. Matching errs towards erasing: a namesake's
  row in an old list goes too; their case does not.
- A finished list (imported or failed) left without rows is deleted: the preview page
  reads ``content`` again for any list, so one with no rows could not be shown.
- A preview (never confirmed) goes when older than a day, or at once when it holds a
  purged client. It is not stripped: confirming a stripped list would silently skip a
  household the water company reported; the team uploads the file again instead.

Clearing the content of finished lists after a while (keeping the summary) looked
simpler but guarantees less: that same preview page needs the content, and a list
can update the account of a closed case days before that case is purged.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from portal.core.models import AuditEntry
from referrals.cases.models import (
    ArrearsChange,
    ArrearsRecord,
    Case,
    CaseNote,
    Invoice,
    LacImport,
)
from referrals.outreach.models import ContactAttempt, HomeVisit
from referrals.referrals.models import (
    OPEN_STATUSES,
    Client,
    Consent,
    Referral,
    RetentionPolicy,
    TimelineEntry,
)

PSEUDONYM = "Gepseudonimiseerd {id}"
DEFAULT = RetentionPolicy()
# An upload is checked and confirmed in one sitting; a day later nobody will confirm it.
ABANDONED_PREVIEW = timedelta(days=1)
# Lists that never made it into the cases: a preview nobody confirmed, a check that
# stopped, an import that failed. After ABANDONED_PREVIEW they are deleted, not kept.
UNIMPORTED = (LacImport.Status.PREVIEW, LacImport.Status.CHECKING, LacImport.Status.FAILED)


@dataclass
class RetentionReport:
    referrals: list[int] = field(default_factory=list)
    cases: list[int] = field(default_factory=list)
    clients: set[int] = field(default_factory=set)
    lists: list[int] = field(default_factory=list)  # finished LAC lists to strip
    previews: list[int] = field(default_factory=list)  # unconfirmed LAC lists to delete


def _months(n: int) -> timedelta:
    return timedelta(days=round(n * 30.44))


def due(now: datetime | None = None) -> RetentionReport:
    """What is past its retention period (and not already pseudonymised)."""
    now = now or timezone.now()
    policies = {p.ocmw_id: p for p in RetentionPolicy.objects.all()}
    report = RetentionReport()
    finished = Referral.objects.exclude(status__in=[*OPEN_STATUSES, "draft"]).exclude(
        client__full_name__startswith="Gepseudonimiseerd"
    )
    for pk, ocmw_id, closed_at, client_id in finished.values_list(
        "pk", "receiving_ocmw_id", "closed_at", "client_id"
    ):
        months = policies.get(ocmw_id, DEFAULT).referral_months
        if closed_at and closed_at < now - _months(months):
            report.referrals.append(pk)
            report.clients.add(client_id)
    closed = Case.objects.filter(status=Case.Status.CLOSED).exclude(
        client__full_name__startswith="Gepseudonimiseerd"
    )
    for pk, ocmw_id, created_at, client_id in closed.values_list(
        "pk", "ocmw_id", "created_at", "client_id"
    ):
        months = policies.get(ocmw_id, DEFAULT).case_months
        last = (
            ContactAttempt.objects.filter(case_id=pk)
            .order_by("-moment")
            .values_list("moment", flat=True)
            .first()
            or created_at
        )
        if last < now - _months(months):
            report.cases.append(pk)
            report.clients.add(client_id)
    # A client stays identifiable while any of their referrals or cases is kept.
    kept = (
        Referral.objects.filter(client_id__in=report.clients)
        .exclude(pk__in=report.referrals)
        .values_list("client_id", flat=True)
    )
    kept_cases = (
        Case.objects.filter(client_id__in=report.clients)
        .exclude(pk__in=report.cases)
        .values_list("client_id", flat=True)
    )
    report.clients -= set(kept) | set(kept_cases)
    _due_lac_lists(report, now)
    return report


def _due_lac_lists(report: RetentionReport, now: datetime) -> None:
    previews = LacImport.objects.filter(status__in=UNIMPORTED)
    report.previews = list(
        previews.filter(uploaded_at__lt=now - ABANDONED_PREVIEW)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    names, numbers = _identifiers(report)
    if not names and not numbers:
        return
    stored = LacImport.objects.exclude(pk__in=report.previews).order_by("pk")
    for pk, status, content in stored.values_list("pk", "status", "content").iterator():
        if _strip(content, names, numbers):
            (report.previews if status == LacImport.Status.PREVIEW else report.lists).append(pk)


def _identifiers(report: RetentionReport) -> tuple[set[str], set[str]]:
    """Lower-case names of the clients and customer numbers of the cases ``report`` purges;
    read before ``apply`` pseudonymises them."""
    names = Client.objects.filter(pk__in=report.clients).exclude(
        full_name__startswith="Gepseudonimiseerd"
    )
    numbers = ArrearsRecord.objects.filter(case_id__in=report.cases).exclude(
        customer_number__startswith="PSEUDO-"
    )
    return (
        {name.strip().lower() for name in names.values_list("full_name", flat=True)} - {""},
        {number.strip() for number in numbers.values_list("customer_number", flat=True)} - {""},
    )


def _strip(content: str, names: set[str], numbers: set[str]) -> tuple[str, int] | None:
    """A stored list without the rows naming one of ``names`` or holding one of ``numbers``,
    and how many rows are left; None when no row goes."""
    lowered = content.lower()
    if not any(name in lowered for name in names) and not any(n in content for n in numbers):
        return None  # the quick answer for almost every list
    reader = csv.reader(io.StringIO(content), delimiter=";")
    header = next(reader, [])
    columns = [name.strip().lower() for name in header]
    # The number where the import reads it (an amount may look like a number elsewhere).
    number_at = columns.index("klantnummer") if "klantnummer" in columns else None
    kept = []
    removed = False
    for row in reader:
        cells = row if number_at is None else row[number_at : number_at + 1]
        if any(cell.strip() in numbers for cell in cells) or any(
            name in cell.lower() for cell in row for name in names
        ):
            removed = True
        elif any(cell.strip() for cell in row):
            kept.append(row)
    if not removed:
        return None
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(kept)
    return out.getvalue(), len(kept)


@transaction.atomic
def apply(report: RetentionReport) -> None:
    """Pseudonymise what ``due`` found, strip the stored LAC lists and delete the previews."""
    lists, previews = _apply_lac_lists(report)
    for client_id in report.clients:
        Client.objects.filter(pk=client_id).update(
            full_name=PSEUDONYM.format(id=client_id),
            street="",
            phone="",
            email="",
            preferred_times="",
            trusted_person="",
        )
    Referral.objects.filter(pk__in=report.referrals).update(
        description="", accompany_availability="", appointment_place=""
    )
    TimelineEntry.objects.filter(referral_id__in=report.referrals).update(message="")
    Consent.objects.filter(referral_id__in=report.referrals).update(given_by="")
    CaseNote.objects.filter(case_id__in=report.cases).delete()
    Invoice.objects.filter(arrears__case_id__in=report.cases).delete()
    # Earlier values (old customer numbers among them) go with the record's identity.
    ArrearsChange.objects.filter(record__case_id__in=report.cases).delete()
    records = list(ArrearsRecord.objects.filter(case_id__in=report.cases))
    for record in records:
        # Customer numbers stay unique per water company: derive one from the row.
        record.customer_number = f"PSEUDO-{record.pk}"
        record.justification_note = ""
    ArrearsRecord.objects.bulk_update(records, ["customer_number", "justification_note"])
    ContactAttempt.objects.filter(case_id__in=report.cases).update(note="")
    HomeVisit.objects.filter(case_id__in=report.cases).update(address="")
    if report.referrals or report.cases or lists or previews:
        AuditEntry.objects.create(
            action="retention.applied",
            object_type="referrals.privacy.retention",
            object_id="-",
            data={
                "referrals": len(report.referrals),
                "cases": len(report.cases),
                "lac_lists": lists,
                "previews": previews,
            },
        )


def _apply_lac_lists(report: RetentionReport) -> tuple[int, int]:
    """Strip or delete the lists ``due`` found; the numbers of lists changed and of previews
    deleted. Runs before the pseudonymisation, which overwrites what it looks for."""
    names, numbers = _identifiers(report)
    lists = previews = 0
    # Locked: an import being confirmed meanwhile is either finished (and stripped) or not.
    found = LacImport.objects.select_for_update().filter(pk__in=[*report.lists, *report.previews])
    for lac in found.order_by("pk"):
        if lac.status in UNIMPORTED and lac.pk in report.previews:
            lac.delete()
            previews += 1
            continue
        stripped = _strip(lac.content, names, numbers)
        if stripped is None:
            continue
        lists += 1
        if stripped[1]:
            lac.content = stripped[0]
            lac.save(update_fields=["content"])
        else:
            lac.delete()
    return lists, previews
