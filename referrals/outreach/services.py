"""Services for reaching the client: contact attempts, letters and home visits.

OCMW arrears-team work (the case rule applies). The client's privacy
preferences are enforced here, so every page and API gets the same checks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case as DbCase
from django.db.models import F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Agreement, Organisation
from partners.principal import people_in_team
from portal.core import audit
from portal.core.exceptions import ActionRefused
from portal.core.forms import check_length
from portal.core.models import User
from portal.core.notifications import notify
from portal.core.versions import save_new_version
from referrals.cases.models import Case
from referrals.cases.permissions import can_change_arrears
from referrals.outreach.models import AttemptTally, ContactAttempt, HomeVisit, LetterTemplate
from referrals.referrals import services as referral_services

C = ContactAttempt.Channel
NOTE_MAX = 300  # the length of ContactAttempt.note


def partners_working_with(ocmw_id: int):
    """Partners with an active agreement with this OCMW: the only ones an attempt
    "through a partner" may name (that partner later sees the date of it)."""
    active = Agreement.objects.active().filter(ocmw_id=ocmw_id).values("partner_id")
    return Organisation.objects.filter(pk__in=active)


def privacy_conflicts(
    case: Case, *, channel: str, outcome: str = "", in_envelope=None, with_logo=None
) -> list[str]:
    """What in this attempt goes against the client's wishes (empty when nothing)."""
    client = case.client
    problems = []
    if outcome == ContactAttempt.Outcome.VOICEMAIL and not client.voicemail_allowed:
        problems.append(_("The client does not want voicemail messages."))
    if client.closed_envelope and channel in ContactAttempt.PAPER:
        if in_envelope is False:
            problems.append(_("The client's mailbox is shared: post only in a closed envelope."))
        if with_logo:
            problems.append(_("The client's mailbox is shared: no OCMW logo on the envelope."))
    return problems


@transaction.atomic
def log_attempt(
    case: Case,
    *,
    actor: User,
    channel: str,
    outcome: str,
    moment: datetime | None = None,
    with_logo: bool | None = None,
    in_envelope: bool | None = None,
    mentions_cutoff: bool | None = None,
    partner: Organisation | None = None,
    template: LetterTemplate | None = None,
    note: str = "",
    accept_conflicts: bool = False,
) -> ContactAttempt:
    """Record one try to reach the client. Conflicts with the client's wishes are
    refused unless the worker confirms; a voicemail against their wish is always refused."""
    if not can_change_arrears(actor, case):
        raise PermissionDenied
    if (
        channel not in C.values
        or outcome not in ContactAttempt.Outcome.values
        or outcome in ContactAttempt.PORTAL_OUTCOMES
    ):
        raise ActionRefused(_("Choose a channel and an outcome."))
    moment = moment or timezone.now()
    if moment > timezone.now() + timedelta(minutes=5):
        raise ActionRefused(_("An attempt cannot be in the future."))
    # Refused, not cut: the worker sees the limit and keeps what they typed.
    check_length(note, NOTE_MAX, _("The note"))
    conflicts = privacy_conflicts(
        case, channel=channel, outcome=outcome, in_envelope=in_envelope, with_logo=with_logo
    )
    unwanted_voicemail = (
        outcome == ContactAttempt.Outcome.VOICEMAIL and not case.client.voicemail_allowed
    )
    if unwanted_voicemail or (conflicts and not accept_conflicts):
        raise ActionRefused(" ".join(conflicts))
    if channel == C.VIA_PARTNER:
        if (
            partner is None
            or not partners_working_with(case.ocmw_id).filter(pk=partner.pk).exists()
        ):
            raise ActionRefused(_("Say which partner helped."))
    else:
        partner = None
    return record_attempt(
        case,
        worker=actor,
        channel=channel,
        outcome=outcome,
        moment=moment,
        with_logo=with_logo,
        in_envelope=in_envelope,
        mentions_cutoff=mentions_cutoff,
        partner=partner,
        template=template,
        note=note,
    )


@transaction.atomic
def record_attempt(
    case: Case,
    *,
    worker: User,
    channel: str,
    outcome: str,
    moment: datetime,
    with_logo: bool | None = None,
    in_envelope: bool | None = None,
    mentions_cutoff: bool | None = None,
    partner: Organisation | None = None,
    template: LetterTemplate | None = None,
    note: str = "",
) -> ContactAttempt:
    """Write an attempt whose permission and wishes were checked already: by
    :func:`log_attempt`, or when a message was queued (referrals.messaging), whose
    job records the attempt once the provider took it. Reaching the client moves the
    case's waiting referrals to "contact made", so their referrers hear of it."""
    attempt = ContactAttempt.objects.create(
        case=case,
        ocmw_id=case.ocmw_id,
        channel=channel,
        outcome=outcome,
        moment=moment,
        with_logo=with_logo,
        in_envelope=in_envelope,
        mentions_cutoff=mentions_cutoff,
        partner=partner,
        template=template,
        worker=worker,
        note=note[:300],
    )
    _count(attempt)
    if attempt.reached:
        # "Reached on" is the first time the client was reached, also when an earlier
        # attempt is logged late; decided in the UPDATE itself, not on a stale copy.
        Case.objects.filter(pk=case.pk).filter(
            Q(reached_at__isnull=True) | Q(reached_at__gt=moment)
        ).update(
            reached_at=moment,
            status=DbCase(
                When(status=Case.Status.OPEN, then=Value(Case.Status.REACHED)), default=F("status")
            ),
            version=F("version") + 1,
        )
        referral_services.follow_client_reached(
            case.referrals.values_list("pk", flat=True),
            ocmw_id=case.ocmw_id,
            actor=worker,
            at=moment,
        )
    audit.record(
        "case.attempt",
        case,
        actor=worker,
        organisation=case.ocmw,
        data={"channel": channel, "outcome": outcome},
    )
    return attempt


# Letters and cards -----------------------------------------------------------------


@dataclass(frozen=True)
class PartnerBlock:
    name: str
    address: str
    phone: str
    hours: str


def partner_block_for(case: Case, partner: Organisation | None) -> PartnerBlock | None:
    """The partner's contact block, only when their agreement allows being named."""
    if partner is None:
        return None
    allowed = (
        Agreement.objects.active()
        .filter(ocmw_id=case.ocmw_id, partner=partner, may_be_named=True)
        .exists()
    )
    if not allowed:
        return None
    postcode = partner.postcode if partner.postcode_id else None
    address = ""
    if partner.street and postcode is not None:
        address = f"{partner.street}, {postcode.code} {postcode.name}"
    return PartnerBlock(partner.name, address, partner.phone, partner.opening_hours)


def partners_for_letters(case: Case):
    """Partners the OCMW may name on letters: referrers of this case first."""
    referrers = set(case.referrals.values_list("referring_team__organisation_id", flat=True))
    partners = list(
        Organisation.objects.filter(
            agreements_as_partner__ocmw_id=case.ocmw_id,
            agreements_as_partner__may_be_named=True,
            agreements_as_partner__confirmed_at__isnull=False,
            agreements_as_partner__ended_at__isnull=True,
        )
        .distinct()
        .order_by("name")
    )
    return sorted(partners, key=lambda p: (p.pk not in referrers, p.name))


@dataclass(frozen=True)
class Letter:
    template: LetterTemplate
    case: Case
    text: str
    appointment: str
    partner: PartnerBlock | None


def render_letter(
    template: LetterTemplate,
    case: Case,
    *,
    appointment: str = "",
    partner: Organisation | None = None,
) -> Letter:
    """Merge a template with the case. Unknown placeholders are left as typed."""
    ocmw = case.ocmw
    client = case.client
    ocmw_postcode = ocmw.postcode if ocmw.postcode_id else None
    values = {
        "client": client.full_name,
        "address": f"{client.street}, {client.postcode.code} {client.postcode.name}",
        "appointment": appointment,
        "ocmw": ocmw.name,
        "ocmw_phone": ocmw.phone,
        "ocmw_address": f"{ocmw.street}, {ocmw_postcode.code} {ocmw_postcode.name}"
        if ocmw_postcode is not None
        else ocmw.street,
    }
    text = fill_placeholders(template.body, values)
    return Letter(template, case, text, appointment, partner_block_for(case, partner))


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Put each value in place of its ``{name}``; unknown placeholders stay as typed."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def preview_letter_body(body: str, ocmw: Organisation) -> str:
    """A template body as a letter would read, with a made-up client and appointment."""
    samples = {
        "client": "Maria Janssens",
        "ocmw": ocmw.name,
        "appointment": _("Tuesday at 10:00"),
        "address": "Stationsstraat 1, 9300 Aalst",
        "ocmw_phone": ocmw.phone,
        "ocmw_address": ocmw.street,
    }
    return fill_placeholders(body, samples)


@transaction.atomic
def mark_letter_sent(
    template: LetterTemplate,
    case: Case,
    *,
    actor: User,
    in_envelope: bool,
    accept_conflicts: bool = False,
) -> ContactAttempt:
    """Sending a letter or card is a contact attempt with the template's variant."""
    channel = C.LETTER if template.kind == LetterTemplate.Kind.LETTER else C.CARD_PRINTED
    return log_attempt(
        case,
        actor=actor,
        channel=channel,
        outcome=ContactAttempt.Outcome.DELIVERED,
        with_logo=template.with_logo,
        in_envelope=in_envelope,
        mentions_cutoff=template.mentions_cutoff,
        template=template,
        accept_conflicts=accept_conflicts,
    )


@transaction.atomic
def save_letter_template(
    ocmw: Organisation, *, actor: User, template: LetterTemplate | None, fields: dict
) -> LetterTemplate:
    """Coordinators of the OCMW's arrears team edit its templates."""
    return save_ocmw_template(LetterTemplate, ocmw, actor=actor, template=template, fields=fields)


def may_keep_templates(actor: User, ocmw: Organisation) -> bool:
    """The OCMW's letter and message templates: its arrears team's coordinators."""
    from partners.permissions import can_manage_agreements

    return can_change_arrears(actor, ocmw) and can_manage_agreements(actor, ocmw)


def save_ocmw_template(model, ocmw: Organisation, *, actor: User, template, fields: dict):
    """Create or change one of the OCMW's templates (letters, messages), audited as
    ``<kind>.saved``."""
    if not may_keep_templates(actor, ocmw):
        raise PermissionDenied
    if template is None:
        template = model.objects.create(ocmw=ocmw, **fields)
    else:
        if template.ocmw_id != ocmw.pk:
            raise PermissionDenied
        for name, value in fields.items():
            setattr(template, name, value)
        save_new_version(template, None)
    kind = "letter_template" if model is LetterTemplate else "message_template"
    audit.record(f"{kind}.saved", template, actor=actor, organisation=ocmw)
    return template


# Home visits ------------------------------------------------------------------------


@transaction.atomic
def plan_visit(
    case: Case,
    *,
    actor: User,
    start: datetime,
    end: datetime,
    announced: bool,
    second_worker: User | None = None,
) -> HomeVisit:
    """Register a visit with the team before leaving: where, and until when."""
    if not can_change_arrears(actor, case):
        raise PermissionDenied
    if end <= start:
        raise ActionRefused(_("The visit must end after it starts."))
    if end - start > timedelta(hours=8):
        raise ActionRefused(_("A visit window cannot be longer than 8 hours."))
    if second_worker is not None and not can_change_arrears(second_worker, case):
        raise ActionRefused(_("The second worker must be in the arrears team too."))
    client = case.client
    visit = HomeVisit.objects.create(
        case=case,
        ocmw_id=case.ocmw_id,
        team_id=case.team_id,
        worker=actor,
        second_worker=second_worker,
        announced=announced,
        window_start=start,
        window_end=end,
        address=f"{client.street}, {client.postcode.code} {client.postcode.name}",
    )
    audit.record("visit.planned", case, actor=actor, organisation=case.ocmw)
    return visit


def _own_visit(visit: HomeVisit, actor: User) -> HomeVisit:
    locked = HomeVisit.objects.select_for_update().select_related("case__client").get(pk=visit.pk)
    if actor.pk not in (locked.worker_id, locked.second_worker_id):
        raise PermissionDenied
    return locked


@transaction.atomic
def check_in(visit: HomeVisit, *, actor: User) -> HomeVisit:
    visit = _own_visit(visit, actor)
    if visit.status != HomeVisit.Status.PLANNED:
        raise ActionRefused(_("This visit is not waiting to start."))
    visit.status = HomeVisit.Status.ON_SITE
    visit.checked_in_at = timezone.now()
    visit.save(update_fields=["status", "checked_in_at"])
    audit.record("visit.check_in", visit.case, actor=actor, organisation=visit.ocmw)
    return visit


@transaction.atomic
def check_out(visit: HomeVisit, *, actor: User, outcome: str, note: str = "") -> HomeVisit:
    """Leaving: the visit becomes a contact attempt with its outcome."""
    visit = _own_visit(visit, actor)
    if visit.status not in (HomeVisit.Status.ON_SITE, HomeVisit.Status.PLANNED):
        raise ActionRefused(_("This visit is already finished."))
    channel = C.VISIT_ANNOUNCED if visit.announced else C.VISIT_UNANNOUNCED
    attempt = log_attempt(
        visit.case,
        actor=actor,
        channel=channel,
        outcome=outcome,
        moment=visit.checked_in_at or timezone.now(),
        note=note,
    )
    visit.status = HomeVisit.Status.DONE
    visit.checked_out_at = timezone.now()
    visit.attempt = attempt
    visit.save(update_fields=["status", "checked_out_at", "attempt"])
    return visit


@transaction.atomic
def cancel_visit(visit: HomeVisit, *, actor: User) -> HomeVisit:
    visit = _own_visit(visit, actor)
    if visit.status != HomeVisit.Status.PLANNED:
        raise ActionRefused(_("Only a visit that has not started can be cancelled."))
    visit.status = HomeVisit.Status.CANCELLED
    visit.save(update_fields=["status"])
    return visit


def grace() -> timedelta:
    return timedelta(minutes=settings.PORTAL_VISIT_GRACE_MINUTES)


@transaction.atomic
def alert_overdue_visits(*, now: datetime | None = None) -> int:
    """Raise one alert per visit not checked out by the end of its window plus the
    grace period: to the team's coordinators and colleagues, on screen and by e-mail."""
    now = now or timezone.now()
    overdue = (
        HomeVisit.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            status__in=[HomeVisit.Status.PLANNED, HomeVisit.Status.ON_SITE],
            window_end__lt=now - grace(),
            alerted_at__isnull=True,
        )
        .select_related("worker")
    )
    count = 0
    for visit in overdue:
        colleagues = people_in_team(visit.team_id)
        recipients = colleagues.exclude(pk=visit.worker_id).distinct()
        notify(
            recipients,
            kind="visit.overdue",
            text=gettext_lazy(
                "%(name)s has not checked out of a home visit that should have ended at "
                "%(time)s. Call them."
            ),
            params={
                "name": visit.worker.full_name,
                "time": timezone.localtime(visit.window_end).strftime("%H:%M"),
            },
            link=reverse("visit_board"),
        )
        HomeVisit.objects.filter(pk=visit.pk).update(alerted_at=now)
        count += 1
    return count


@transaction.atomic
def set_attempt_outcome(attempt_id: int, outcome: str) -> None:
    """What a provider reported later (delivered, failed) becomes the attempt's
    outcome. Only messages' outcomes change this way, none of which counts as
    reached, so the tallies stay as they are."""
    if outcome in ContactAttempt.REACHED_OUTCOMES:
        raise ValueError(outcome)
    ContactAttempt.objects.filter(pk=attempt_id).exclude(
        outcome__in=ContactAttempt.REACHED_OUTCOMES
    ).update(outcome=outcome)


def _count(attempt: ContactAttempt) -> None:
    """Add one attempt to its tally (what the what-works report reads)."""
    key = AttemptTally.key_of(attempt)
    reached = int(attempt.reached)
    counted = AttemptTally.objects.filter(**key).update(
        attempts=F("attempts") + 1, reached=F("reached") + reached
    )
    if not counted:
        AttemptTally.objects.create(**key, attempts=1, reached=reached)


TALLY_FIELDS = ("ocmw_id", "moment", "channel", "outcome", "with_logo", "in_envelope")


@transaction.atomic
def rebuild_attempt_tallies(ocmws=None) -> int:
    """Count the attempts again from scratch, for the given OCMWs or all of them: for
    the demo and for repairs. The counts of attempts deleted under the retention rules
    are lost by this; the tallies written with each attempt keep them."""
    attempts = ContactAttempt.objects.all()
    tallies = AttemptTally.objects.all()
    if ocmws is not None:
        attempts, tallies = attempts.filter(ocmw__in=ocmws), tallies.filter(ocmw__in=ocmws)
    tried: Counter = Counter()
    reached: Counter = Counter()
    for attempt in attempts.only(*TALLY_FIELDS, "mentions_cutoff").order_by().iterator(5000):
        key = tuple(AttemptTally.key_of(attempt).items())
        tried[key] += 1
        reached[key] += attempt.reached
    tallies.delete()
    AttemptTally.objects.bulk_create(
        (AttemptTally(**dict(key), attempts=n, reached=reached[key]) for key, n in tried.items()),
        batch_size=1000,
    )
    return len(tried)
