"""Services for cases, arrears and LAC sessions (OCMW arrears teams only).

Same rules as every service: the acting user is explicit, the permission is
checked first, one transaction, an audit entry. Audit entries name the case,
never an amount: organisation admins read the audit log.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Organisation, Team
from partners.principal import (
    arrears_teams_of,
    handles_arrears_for,
    people_in_arrears_teams,
    team_handles_arrears,
)
from portal.core import audit
from portal.core.exceptions import ActionRefused, StaleVersion
from portal.core.models import User
from portal.core.versions import (
    CONFLICT,
    lock_version,
    refuse_stale,
    save_changes,
    save_new_version,
)
from referrals.cases.models import (
    AgendaItem,
    ArrearsChange,
    ArrearsRecord,
    Case,
    CaseNote,
    Invoice,
    LacSession,
    PaymentPlan,
    change_text,
)
from referrals.cases.permissions import can_change_arrears, can_manage_lac, can_view_arrears
from referrals.referrals.models import Client, Referral


def arrears_team_of(ocmw: Organisation) -> Team:
    team = arrears_teams_of(ocmw.pk).first()
    if team is None:
        raise ActionRefused(_("This OCMW has no team that handles arrears."))
    return team


def find_case_for_client(ocmw_id: int, full_name: str, street: str, postcode_id: int):
    """An open case at this OCMW for the same person (name and address)."""
    return (
        Case.objects.filter(
            ocmw_id=ocmw_id,
            client__full_name__iexact=full_name.strip(),
            client__street__iexact=street.strip(),
            client__postcode_id=postcode_id,
        )
        .exclude(status=Case.Status.CLOSED)
        .order_by("pk")
        .first()
    )


def link_referral(referral: Referral) -> Case | None:
    """Called on submission: a referral for a client who already has a case at
    this OCMW (e.g. from the LAC list) joins that case instead of starting a second.
    Nothing of this is visible to the referrer."""
    client = referral.client
    case = find_case_for_client(
        referral.receiving_ocmw_id, client.full_name, client.street, client.postcode_id
    )
    if case is not None:
        case.referrals.add(referral)
    return case


@transaction.atomic
def open_case_from_referral(referral: Referral, *, actor: User) -> Case:
    """Start a case for a referral the arrears team works on (or return the linked one)."""
    if not can_change_arrears(actor, referral.receiving_ocmw):
        raise PermissionDenied
    case = find_case_for_client(
        referral.receiving_ocmw_id,
        referral.client.full_name,
        referral.client.street,
        referral.client.postcode_id,
    )
    if case is None:
        case = Case.objects.create(
            ocmw=referral.receiving_ocmw,
            client=referral.client,
            origin=Case.Origin.REFERRAL,
            team=referral.receiving_team
            if team_handles_arrears(referral.receiving_team)
            else arrears_team_of(referral.receiving_ocmw),
            worker=referral.assigned_to,
        )
        audit.record("case.opened", case, actor=actor, organisation=case.ocmw)
    case.referrals.add(referral)
    return case


@transaction.atomic
def open_walk_in_case(ocmw: Organisation, *, actor: User, client: dict) -> Case:
    if not can_change_arrears(actor, ocmw):
        raise PermissionDenied
    team = arrears_team_of(ocmw)
    existing = find_case_for_client(
        ocmw.pk, client["full_name"], client["street"], client["postcode"].pk
    )
    if existing is not None:
        raise ActionRefused(
            _("This person already has an open case: %(ref)s.") % {"ref": existing.reference}
        )
    client_row = Client.objects.create(registered_by_team=team, **client)
    case = Case.objects.create(
        ocmw=ocmw, client=client_row, origin=Case.Origin.WALK_IN, team=team, worker=actor
    )
    audit.record("case.opened", case, actor=actor, organisation=ocmw)
    return case


def _lock_case(case: Case, version: int) -> Case:
    return lock_version(case, version, related=["ocmw"])


@transaction.atomic
def mark_reached(case: Case, *, actor: User, version: int) -> Case:
    if not can_change_arrears(actor, case):
        raise PermissionDenied
    case = _lock_case(case, version)
    if case.reached_at is None:
        case.reached_at = timezone.now()
        if case.status == Case.Status.OPEN:
            case.status = Case.Status.REACHED
        save_new_version(case, ["reached_at", "status"])
        audit.record("case.reached", case, actor=actor, organisation=case.ocmw)
    return case


@transaction.atomic
def close_case(case: Case, *, actor: User, version: int) -> Case:
    if not can_change_arrears(actor, case):
        raise PermissionDenied
    case = _lock_case(case, version)
    if case.status == Case.Status.CLOSED:
        raise ActionRefused(_("This case is already closed."))
    case.status = Case.Status.CLOSED
    save_new_version(case, ["status"])
    audit.record("case.closed", case, actor=actor, organisation=case.ocmw)
    return case


@transaction.atomic
def assign_case(case: Case, *, actor: User, worker: User, version: int) -> Case:
    if not can_change_arrears(actor, case):
        raise PermissionDenied
    if not handles_arrears_for(worker.pk, case.ocmw_id):
        raise ActionRefused(_("Only someone of the arrears team can take this case."))
    case = _lock_case(case, version)
    case.worker = worker
    save_new_version(case, ["worker"])
    audit.record("case.assigned", case, actor=actor, organisation=case.ocmw)
    return case


@transaction.atomic
def add_case_note(case: Case, *, actor: User, text: str) -> CaseNote:
    if not can_view_arrears(actor, case):
        raise PermissionDenied
    if not text.strip():
        raise ActionRefused(_("Write a note first."))
    note = CaseNote.objects.create(case=case, author=actor, text=text.strip())
    audit.record("case.note", case, actor=actor, organisation=case.ocmw)
    return note


ARREARS_FIELDS = (
    "water_company",
    "customer_number",
    "amount_outstanding",
    "protected_customer",
    "flow_limiter_since",
    "justification_note",
)


def arrears_values(record: ArrearsRecord | None, fields) -> dict:
    """The record's ``fields`` as text, for an ``ArrearsChange`` (all None: no record)."""
    return {
        name: change_text(getattr(record, f"{name}_id" if name == "water_company" else name))
        if record is not None
        else None
        for name in fields
    }


def record_arrears_change(
    record: ArrearsRecord, before: dict, after: dict, *, actor, source: str
) -> ArrearsChange | None:
    """Keep what changed, with both values; nothing when nothing changed."""
    values = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if not values:
        return None
    return ArrearsChange.objects.create(record=record, actor=actor, source=source, values=values)


@transaction.atomic
def save_arrears(case: Case, *, actor: User, version: int | None, changes: dict) -> ArrearsRecord:
    """Create the case's arrears record (``version`` None: the form was empty) or change
    it (``version`` as read). Either way a change made on what is no longer there is a
    conflict: two workers who both open the empty form cannot both create it."""
    if not can_change_arrears(actor, case):
        raise PermissionDenied
    record = ArrearsRecord.objects.select_for_update().filter(case=case).first()
    fields = {k: v for k, v in changes.items() if k in ARREARS_FIELDS}
    duplicate = ArrearsRecord.objects.filter(
        water_company=fields.get("water_company", getattr(record, "water_company", None)),
        customer_number=fields.get("customer_number", getattr(record, "customer_number", "")),
    ).exclude(case=case)
    if duplicate.exists():
        raise ActionRefused(_("This customer number already belongs to another case."))
    before = arrears_values(record, fields)
    if record is None:
        if version is not None:
            raise StaleVersion(CONFLICT)
        record = ArrearsRecord.objects.create(case=case, **fields)
    else:
        if version is None:
            raise StaleVersion(CONFLICT)  # created by someone else since the form was read
        refuse_stale(record.version, version)
        save_changes(record, fields, also=["updated_at"])
    change = record_arrears_change(
        record, before, arrears_values(record, fields), actor=actor, source="edit"
    )
    fields = change.values if change else {}
    audit.record(
        "arrears.saved", case, actor=actor, organisation=case.ocmw, data={"fields": sorted(fields)}
    )
    return record


@transaction.atomic
def add_invoice(
    case: Case, *, actor: User, number: str, issued_on: date, amount: Decimal
) -> Invoice:
    if not can_change_arrears(actor, case):
        raise PermissionDenied
    record = ArrearsRecord.objects.filter(case=case).first()
    if record is None:
        raise ActionRefused(_("Record the water account first."))
    if record.invoices.filter(number=number).exists():
        raise ActionRefused(_("This invoice is already recorded."))
    invoice = Invoice.objects.create(
        arrears=record, number=number, issued_on=issued_on, amount=amount
    )
    audit.record("arrears.invoice", case, actor=actor, organisation=case.ocmw)
    return invoice


@transaction.atomic
def add_payment_plan(
    case: Case, *, actor: User, total_amount: Decimal, instalments: int, start_date: date
) -> PaymentPlan:
    if not can_change_arrears(actor, case):
        raise PermissionDenied
    record = ArrearsRecord.objects.filter(case=case).first()
    if record is None:
        raise ActionRefused(_("Record the water account first."))
    if instalments < 1 or total_amount <= 0:
        raise ActionRefused(_("A payment plan needs an amount and at least one instalment."))
    plan = PaymentPlan.objects.create(
        arrears=record,
        total_amount=total_amount,
        instalments=instalments,
        instalment_amount=(total_amount / instalments).quantize(Decimal("0.01")),
        start_date=start_date,
    )
    audit.record("arrears.payment_plan", case, actor=actor, organisation=case.ocmw)
    return plan


@transaction.atomic
def set_payment_plan_status(
    plan: PaymentPlan, *, actor: User, version: int, status: str
) -> PaymentPlan:
    case = plan.arrears.case
    if not can_change_arrears(actor, case):
        raise PermissionDenied
    if status not in PaymentPlan.Status.values:
        raise ActionRefused(_("Choose a status."))
    plan = lock_version(plan, version)
    save_changes(plan, {"status": status})
    audit.record("arrears.payment_plan_status", case, actor=actor, organisation=case.ocmw)
    return plan


# LAC sessions --------------------------------------------------------------------


@transaction.atomic
def plan_lac_session(
    ocmw: Organisation, *, actor: User, on: date, escalate_days_before: int = 10
) -> LacSession:
    if not can_manage_lac(actor, ocmw):
        raise PermissionDenied
    if LacSession.objects.filter(ocmw=ocmw, date=on).exists():
        raise ActionRefused(_("There already is a LAC session on that day."))
    session = LacSession.objects.create(
        ocmw=ocmw, date=on, escalate_days_before=escalate_days_before
    )
    audit.record("lac.session_planned", session, actor=actor, organisation=ocmw)
    return session


@transaction.atomic
def add_to_agenda(session: LacSession, case: Case, *, actor: User) -> AgendaItem:
    if not can_manage_lac(actor, session.ocmw) or case.ocmw_id != session.ocmw_id:
        raise PermissionDenied
    item, created = AgendaItem.objects.get_or_create(
        session=session, case=case, defaults={"position": session.agenda.count() + 1}
    )
    if created:
        audit.record("lac.agenda_added", session, actor=actor, organisation=session.ocmw)
    return item


@transaction.atomic
def record_decision(
    item: AgendaItem,
    *,
    actor: User,
    version: int,
    decision: str,
    decided_on: date,
    motivation: str = "",
    plan: dict | None = None,
) -> AgendaItem:
    """The LAC's decision. A conditional decision comes with its payment plan;
    disconnection needs a motivation (only for wilful non-payment, by consensus)."""
    session = item.session
    if not can_manage_lac(actor, session.ocmw):
        raise PermissionDenied
    if decision not in AgendaItem.Decision.values:
        raise ActionRefused(_("Choose a decision."))
    if decision == AgendaItem.Decision.CONDITIONAL and not plan:
        raise ActionRefused(_("A conditional decision needs its payment plan."))
    if decision == AgendaItem.Decision.DISCONNECTION and not motivation.strip():
        raise ActionRefused(_("Write why the LAC decided to disconnect."))
    item = lock_version(item, version, related=["session__ocmw", "case"])
    fields = {"decision": decision, "decided_on": decided_on, "motivation": motivation}
    if plan:
        fields["payment_plan"] = add_payment_plan(item.case, actor=actor, **plan)
    save_changes(item, fields)
    audit.record("lac.decision", item.case, actor=actor, organisation=session.ocmw)
    return item


@transaction.atomic
def mark_session_held(
    session: LacSession, *, actor: User, version: int, members_present: str
) -> LacSession:
    if not can_manage_lac(actor, session.ocmw):
        raise PermissionDenied
    session = lock_version(session, version, related=["ocmw"])
    save_changes(session, {"status": LacSession.Status.HELD, "members_present": members_present})
    audit.record("lac.session_held", session, actor=actor, organisation=session.ocmw)
    return session


def next_session_countdown(ocmw_ids: list[int], *, today: date | None = None) -> list[dict]:
    """For each OCMW: the next planned session, days left, cases on it not yet reached."""
    from django.db.models import Count, Q

    today = today or timezone.localdate()
    sessions = (
        LacSession.objects.filter(
            ocmw_id__in=ocmw_ids, date__gte=today, status=LacSession.Status.PLANNED
        )
        .annotate(
            on_agenda=Count("agenda", distinct=True),
            unreached=Count(
                "agenda", filter=Q(agenda__case__reached_at__isnull=True), distinct=True
            ),
        )
        .select_related("ocmw")
        .order_by("ocmw_id", "date")
    )
    seen, result = set(), []
    for session in sessions:
        if session.ocmw_id in seen:
            continue
        seen.add(session.ocmw_id)
        result.append(
            {
                "session": session,
                "days_left": (session.date - today).days,
                "on_agenda": session.on_agenda,
                "unreached": session.unreached,
                "urgent": (session.date - today).days <= session.escalate_days_before,
            }
        )
    return result


@transaction.atomic
def escalate_unreached(*, today: date | None = None) -> int:
    """Tell the coordinators of the arrears team when a session comes close and
    clients on its agenda are not reached yet. Once per session."""
    from django.urls import reverse

    from portal.core.notifications import notify

    today = today or timezone.localdate()
    count = 0
    waiting = LacSession.objects.filter(status="planned", escalated_at__isnull=True)
    ocmw_ids = list(waiting.values_list("ocmw_id", flat=True))
    for row in next_session_countdown(ocmw_ids, today=today):
        session = row["session"]
        if not row["urgent"] or not row["unreached"] or session.escalated_at:
            continue
        coordinators = people_in_arrears_teams(session.ocmw_id, role="coordinator")
        notify(
            coordinators,
            kind="lac.unreached",
            text=gettext_lazy("%(n)s clients on the LAC session of %(date)s are not reached yet."),
            params={"n": row["unreached"], "date": session.date.strftime("%d/%m/%Y")},
            link=reverse("lac_session_detail", args=[session.pk]),
        )
        LacSession.objects.filter(pk=session.pk).update(escalated_at=timezone.now())
        count += 1
    return count
