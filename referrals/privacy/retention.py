"""Retention: after an OCMW's retention period, finished referrals and closed
cases lose everything that identifies the client. Dates, statuses, channels
and outcomes stay (the figures and the what-works report keep working), and so
does the access log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from portal.core.models import AuditEntry
from referrals.cases.models import ArrearsRecord, Case, CaseNote, Invoice
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


@dataclass
class RetentionReport:
    referrals: list[int] = field(default_factory=list)
    cases: list[int] = field(default_factory=list)
    clients: set[int] = field(default_factory=set)


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
    return report


@transaction.atomic
def apply(report: RetentionReport) -> None:
    """Pseudonymise what ``due`` found."""
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
    records = list(ArrearsRecord.objects.filter(case_id__in=report.cases))
    for record in records:
        # Customer numbers stay unique per water company: derive one from the row.
        record.customer_number = f"PSEUDO-{record.pk}"
        record.justification_note = ""
    ArrearsRecord.objects.bulk_update(records, ["customer_number", "justification_note"])
    ContactAttempt.objects.filter(case_id__in=report.cases).update(note="")
    HomeVisit.objects.filter(case_id__in=report.cases).update(address="")
    if report.referrals or report.cases:
        AuditEntry.objects.create(
            action="retention.applied",
            object_type="referrals.privacy.retention",
            object_id="-",
            data={"referrals": len(report.referrals), "cases": len(report.cases)},
        )
