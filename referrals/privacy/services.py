"""Right of access (GDPR art. 15): everything an OCMW holds on one client, and
every time someone looked at it. For the OCMW's privacy officer only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils import timezone

from partners.models import Organisation
from partners.principal import as_principal
from portal.core import audit
from portal.core.access_log import log_access
from portal.core.models import AccessLog
from referrals.cases.models import ArrearsRecord, Case
from referrals.messaging.models import ClientMessage, InboundMessage
from referrals.outreach.models import ContactAttempt, HomeVisit
from referrals.referrals.models import Client, Referral


def privacy_ocmws(who) -> list[Organisation]:
    """The OCMWs whose clients' personal data this privacy officer may export."""
    ids = as_principal(who).privacy_organisation_ids
    return list(Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.OCMW))


def clients_of(ocmw_ids):
    """Clients the OCMW holds data on: through a referral it received or a case."""
    return Client.objects.filter(
        Q(pk__in=Referral.objects.filter(receiving_ocmw_id__in=ocmw_ids).values("client_id"))
        | Q(pk__in=Case.objects.filter(ocmw_id__in=ocmw_ids).values("client_id"))
    )


def _plain(obj, exclude=()) -> dict:
    data = model_to_dict(obj, exclude=list(exclude))
    return {
        key: (
            str(value) if value is not None and not isinstance(value, (int, bool, str)) else value
        )
        for key, value in data.items()
    }


def export_for_request(client: Client, *, actor, reference: str, purpose: str) -> dict:
    """The right-of-access export of one client, for the privacy officer of an OCMW that
    holds data on them, answering one recorded request (audit entry and access log).

    This export is the one place a privacy officer sees arrears (DESIGN.md, rule 1), and
    only those of their own OCMW's files; the page asks two-step login first."""
    ocmws = privacy_ocmws(actor)
    ocmw_ids = [o.pk for o in ocmws if clients_of([o.pk]).filter(pk=client.pk).exists()]
    if not ocmw_ids:
        raise PermissionDenied
    audit.record(
        "privacy.right_of_access",
        client,
        actor=actor,
        organisation=next(o for o in ocmws if o.pk == ocmw_ids[0]),
        data={"reference": reference, "purpose": purpose},
    )
    log_access(
        actor,
        "export",
        "client",
        client.pk,
        purpose=f"right of access {reference}",
        client_id=client.pk,
        ocmw_id=ocmw_ids[0],
    )
    return right_of_access(client, ocmw_ids)


def right_of_access(client: Client, ocmw_ids: list[int]) -> dict:
    referrals = Referral.objects.filter(client=client, receiving_ocmw_id__in=ocmw_ids)
    cases = Case.objects.filter(client=client, ocmw_id__in=ocmw_ids)
    referral_ids = [str(pk) for pk in referrals.values_list("pk", flat=True)]
    case_ids = [str(pk) for pk in cases.values_list("pk", flat=True)]
    accesses = AccessLog.objects.filter(
        Q(client_id=client.pk)
        | Q(object_type="referral", object_id__in=referral_ids)
        | Q(object_type="case", object_id__in=case_ids)
    ).select_related("user")
    return {
        "generated_at": timezone.now().isoformat(),
        "client": _plain(client, exclude=["registered_by_team"]),
        "referrals": [
            {
                **_plain(r),
                "consent": _plain(r.consent) if hasattr(r, "consent") else None,
                "timeline": [_plain(t) for t in r.timeline.all()],
            }
            for r in referrals.select_related("consent")
        ],
        "cases": [
            {
                **_plain(c, exclude=["referrals"]),
                "notes": [_plain(n) for n in c.notes.all()],
                "arrears": _arrears(c),
                "contact_attempts": [_plain(a) for a in ContactAttempt.objects.filter(case=c)],
                "home_visits": [_plain(v) for v in HomeVisit.objects.filter(case=c)],
                "messages": [
                    _plain(m, exclude=["key"]) for m in ClientMessage.objects.filter(case=c)
                ],
                "replies": [_plain(r) for r in InboundMessage.objects.filter(case=c)],
                "lac": [_plain(i) for i in c.agenda_items.all()],
            }
            for c in cases
        ],
        "accesses": [
            {
                "at": a.at.isoformat(),
                "by": a.user.full_name if a.user else None,
                "action": a.action,
                "what": f"{a.object_type} {a.object_id}",
                "purpose": a.purpose,
            }
            for a in accesses
        ],
    }


def _arrears(case: Case) -> dict | None:
    record = ArrearsRecord.objects.filter(case=case).first()
    if record is None:
        return None
    return {
        **_plain(record),
        "invoices": [_plain(i) for i in record.invoices.all()],
        "payment_plans": [_plain(p) for p in record.payment_plans.all()],
        "changes": [
            {"at": c.at.isoformat(), "source": c.source, "values": c.values}
            for c in record.changes.all()
        ],
    }
