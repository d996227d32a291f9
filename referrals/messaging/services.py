"""Sending text messages and e-mails to clients, and what the providers report back.

Arrears-team work (the case rule applies). The client's wishes are checked when a
message is queued and again when it is sent: a channel they refused, a number that
does not work, a discreet-only client and a non-discreet template, a client who
wants no reminders. Text messages wait for the morning at night.

A message is one row and one job (:func:`send_message`). The job claims the row
before it talks to the provider and records what the provider said after; run twice,
it finds the row claimed and does nothing. A send cut off half-way ends
``uncertain``: it is never sent again on its own.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, time, timedelta

import phonenumbers
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Organisation
from portal.core import audit
from portal.core.exceptions import ActionRefused
from portal.core.models import User
from portal.core.notifications import notify
from portal.core.tasks import enqueue
from referrals.cases.models import AgendaItem, ArrearsRecord, Case, LacSession
from referrals.cases.permissions import can_change_arrears, can_manage_lac
from referrals.messaging import providers, texts
from referrals.messaging.models import (
    Channel,
    ClientMessage,
    InboundMessage,
    MessageTemplate,
    SessionReminder,
)
from referrals.outreach import services as outreach
from referrals.outreach.models import ContactAttempt

logger = logging.getLogger("referrals.messaging")

S = ClientMessage.Status
MAX_TRIES = 6
RETRY_AFTER = timedelta(minutes=1)
REMOTE_CHANNELS = frozenset({Channel.SMS, Channel.EMAIL})


# The client's wishes --------------------------------------------------------------


def sms_number(phone: str) -> str | None:
    """The number in E.164 when it can take a text message (a Belgian number read as
    such without +32); None for a landline, a number too short, or no number."""
    if not phone:
        return None
    try:
        number = phonenumbers.parse(phone, "BE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    mobile = {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
    if kind not in mobile:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def address_for(case: Case, channel: str) -> str | None:
    client = case.client
    if channel == Channel.SMS:
        return sms_number(client.phone)
    return client.email or None


def refusals(case: Case, *, channel: str, template: MessageTemplate | None = None) -> list[str]:
    """Why this message may not go to this client now (empty when it may)."""
    client = case.client
    problems = []
    if channel == Channel.SMS:
        if not client.sms_allowed:
            problems.append(_("The client does not want text messages."))
        elif not client.phone:
            problems.append(_("The client has no phone number."))
        elif sms_number(client.phone) is None:
            problems.append(_("The client's number cannot receive text messages."))
        elif client.phone_unreachable_at:
            problems.append(_("The client's number did not work: check it first."))
        if providers.sms_provider() is None:
            problems.append(_("The portal is not set up to send text messages."))
    else:
        if not client.email_allowed:
            problems.append(_("The client does not want e-mails."))
        elif not client.email:
            problems.append(_("The client has no e-mail address."))
        elif client.email_unreachable_at:
            problems.append(_("E-mail to this address came back: check it first."))
    if template is not None:
        if template.channel != channel:
            problems.append(_("This template is not for this channel."))
        if client.discreet_messages and not template.discreet:
            problems.append(
                _("The client wants discreet messages only: choose a discreet template.")
            )
        if template.purpose != MessageTemplate.Purpose.GENERAL and not client.reminders_allowed:
            problems.append(_("The client does not want reminders."))
    return problems


def only_remote_attempts(case: Case) -> bool:
    """The case's attempts are all text messages or e-mails: the guide says these
    lower the threshold but must never be the only way."""
    counts = ContactAttempt.objects.filter(case=case).aggregate(
        all=Count("pk"), remote=Count("pk", filter=Q(channel__in=REMOTE_CHANNELS))
    )
    return counts["all"] > 0 and counts["all"] == counts["remote"]


def quiet_until(moment: datetime) -> datetime | None:
    """The morning a text message written at night waits for (None in the daytime)."""
    start, end = settings.PORTAL_SMS_QUIET_HOURS
    local = timezone.localtime(moment)
    if end <= local.hour < start:
        return None
    day = local.date() if local.hour < end else local.date() + timedelta(days=1)
    return datetime.combine(day, time(end), local.tzinfo)


# Words ----------------------------------------------------------------------------


def variants_of(template: MessageTemplate) -> dict[str, MessageTemplate]:
    """The same message in each language the OCMW wrote it in."""
    found = MessageTemplate.objects.filter(
        ocmw_id=template.ocmw_id, channel=template.channel, name=template.name
    )
    return {t.language: t for t in found}


def variant_for(
    template: MessageTemplate, language: str, variants: dict[str, MessageTemplate] | None = None
) -> MessageTemplate:
    """The same template in the client's language, else Dutch, else the one chosen.
    ``variants`` (from :func:`variants_of`) spares a round a query per client."""
    if template.language == language:
        return template
    by_language = variants if variants is not None else variants_of(template)
    return by_language.get(language) or by_language.get("nl") or template


def render(
    template: MessageTemplate,
    case: Case,
    *,
    worker: User,
    appointment: datetime | None = None,
    session: LacSession | None = None,
) -> tuple[str, str]:
    """Subject and text of one message, dates written in the template's language."""
    ocmw = case.ocmw
    with translation.override(template.language):
        values = {
            "client": case.client.full_name,
            "ocmw": ocmw.name,
            "ocmw_phone": ocmw.phone,
            "worker": worker.full_name,
            "appointment": _when(appointment) if appointment else "",
            "session_date": formats.date_format(session.date, "l j F") if session else "",
        }
        if template.shows_arrears:
            record = ArrearsRecord.objects.filter(case=case).first()
            values["arrears"] = (
                "€ " + formats.number_format(record.amount_outstanding, 2, use_l10n=True)
                if record
                else ""
            )
    return texts.fill(template.subject, values), texts.fill(template.body, values)


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'l j F')} {local:%H:%M}"


# Queuing ---------------------------------------------------------------------------


@transaction.atomic
def queue_message(
    case: Case,
    *,
    actor: User,
    template: MessageTemplate,
    key: str = "",
    appointment: datetime | None = None,
    send_at: datetime | None = None,
) -> ClientMessage:
    """A worker sends a template to the client from the case: checked, written and
    queued in one transaction. ``key`` (the form's) makes a double submit one message."""
    if not can_change_arrears(actor, case) or template.ocmw_id != case.ocmw_id:
        raise PermissionDenied
    template = variant_for(template, case.client.language)
    problems = refusals(case, channel=template.channel, template=template)
    if problems:
        raise ActionRefused(" ".join(problems))
    if template.purpose == MessageTemplate.Purpose.APPOINTMENT and appointment is None:
        raise ActionRefused(_("Give the date and time of the appointment."))
    if template.purpose == MessageTemplate.Purpose.LAC_SESSION:
        raise ActionRefused(_("Reminders of the LAC session are sent from the session."))
    key = key or f"case:{uuid.uuid4()}"
    existing = ClientMessage.objects.filter(key=key).first()
    if existing is not None:
        if existing.case_id != case.pk:
            raise ActionRefused(_("This form was sent already."))
        return existing
    return _create(case, template, actor=actor, key=key, appointment=appointment, send_at=send_at)


def _create(
    case: Case,
    template: MessageTemplate,
    *,
    actor: User,
    key: str,
    appointment: datetime | None = None,
    session: LacSession | None = None,
    send_at: datetime | None = None,
) -> ClientMessage:
    now = timezone.now()
    subject, body = render(template, case, worker=actor, appointment=appointment, session=session)
    if texts.mentions_an_amount(subject + " " + body) and not template.shows_arrears:
        raise ActionRefused(_("A message may not show an amount unless its template may."))
    send_after = max(send_at or now, now)
    if template.channel == Channel.SMS:
        send_after = quiet_until(send_after) or send_after
    message = ClientMessage.objects.create(
        case=case,
        ocmw_id=case.ocmw_id,
        channel=template.channel,
        purpose=template.purpose,
        template=template,
        language=template.language,
        to=address_for(case, template.channel) or "",
        subject=subject,
        body=body,
        key=key,
        send_after=send_after,
        session=session,
        created_by=actor,
    )
    audit.record(
        "case.message_queued",
        case,
        actor=actor,
        organisation=case.ocmw,
        data={"message": message.pk, "channel": message.channel, "template": template.pk},
    )
    if send_after <= now:
        _hand_to_worker([message.pk])
    return message


def _hand_to_worker(pks: list[int]) -> None:
    """One job per message, written with the change."""
    ClientMessage.objects.filter(pk__in=pks).update(enqueued_at=timezone.now())
    from referrals.messaging.tasks import send_client_message

    for pk in pks:
        enqueue(send_client_message, pk)


@transaction.atomic
def cancel_message(message: ClientMessage, *, actor: User) -> ClientMessage:
    if not can_change_arrears(actor, message.case):
        raise PermissionDenied
    updated = ClientMessage.objects.filter(pk=message.pk, status=S.QUEUED).update(
        status=S.CANCELLED, status_detail=_("Cancelled by %(name)s") % {"name": actor.full_name}
    )
    if not updated:
        raise ActionRefused(_("This message is on its way already."))
    audit.record(
        "case.message_cancelled", message.case, actor=actor, organisation=message.case.ocmw
    )
    message.refresh_from_db()
    return message


def queue_due_messages(*, now: datetime | None = None, limit: int = 2000) -> int:
    """Hand the messages whose moment has come to the workers (the minute's sweep):
    those that waited for the morning, for an appointment's day, for the rate limit."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            ClientMessage.objects.due(now)
            .select_for_update(skip_locked=True)
            .order_by("send_after")
            .values_list("pk", flat=True)[:limit]
        )
        if due:
            _hand_to_worker(due)
    return len(due)


# Sending (the job) ------------------------------------------------------------------


def send_message(pk: int, *, now: datetime | None = None) -> str:
    """Send one message, once. Returns what happened (for the job's result)."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            ClientMessage.objects.select_for_update(of=("self",))
            .select_related("case__client", "case__ocmw", "created_by")
            .filter(pk=pk)
            .first()
        )
        if message is None or message.status != S.QUEUED:
            return "done already"
        if message.send_after > now:
            ClientMessage.objects.filter(pk=pk).update(enqueued_at=None)
            return "later"
        problems = refusals(message.case, channel=message.channel, template=message.template)
        if problems:
            ClientMessage.objects.filter(pk=pk).update(
                status=S.CANCELLED, status_detail=problems[0][:200]
            )
            return "cancelled"
        # One sender at a time per OCMW counts the last minute's sends.
        Organisation.objects.select_for_update().filter(pk=message.ocmw_id).first()
        recent = ClientMessage.objects.filter(
            ocmw_id=message.ocmw_id, claimed_at__gt=now - timedelta(minutes=1)
        ).count()
        if recent >= settings.PORTAL_MESSAGES_PER_MINUTE:
            ClientMessage.objects.filter(pk=pk).update(
                enqueued_at=None, send_after=now + timedelta(seconds=30)
            )
            return "rate limited"
        ClientMessage.objects.filter(pk=pk).update(
            status=S.SENDING, claimed_at=now, tries=message.tries + 1
        )
    try:
        accepted = _deliver(message)
    except providers.NotSent as error:
        failed = message.tries + 1 >= MAX_TRIES
        ClientMessage.objects.filter(pk=pk, status=S.SENDING).update(
            status=S.FAILED if failed else S.QUEUED,
            status_detail=str(error)[:200],
            enqueued_at=None,
            send_after=now + RETRY_AFTER,
            failed_at=now if failed else None,
        )
        return "failed" if failed else "retry"
    except providers.Refused as refused:
        _failed(message, refused.detail, unreachable=refused.unreachable, moment=now)
        return "refused"
    except Exception:
        # Cut off while talking to the provider: it may have taken the message.
        logger.exception("sending message %s was interrupted", pk)
        ClientMessage.objects.filter(pk=pk, status=S.SENDING).update(
            status=S.UNCERTAIN, status_detail=_("Check with the provider before sending again.")
        )
        return "uncertain"
    _sent(message, accepted, moment=timezone.now())
    return "sent"


def _deliver(message: ClientMessage) -> providers.Accepted:
    if message.channel == Channel.SMS:
        provider = providers.sms_provider()
        if provider is None:
            raise providers.Refused("no SMS provider", unreachable=False)
        return provider.send(to=message.to, body=message.body, reference=str(message.pk))
    ocmw = message.case.ocmw
    return providers.send_email(
        message_pk=message.pk,
        to=message.to,
        subject=message.subject,
        body=message.body,
        sender_name=ocmw.name,
        reply_to=ocmw.email,
    )


@transaction.atomic
def _sent(message: ClientMessage, accepted: providers.Accepted, *, moment: datetime) -> None:
    attempt = outreach.record_attempt(
        message.case,
        worker=message.created_by,
        channel=message.channel,
        outcome=ContactAttempt.Outcome.SENT,
        moment=moment,
        note=_message_note(message),
    )
    ClientMessage.objects.filter(pk=message.pk).update(
        status=S.SENT,
        sent_at=moment,
        provider=accepted.provider,
        provider_ref=accepted.reference[:64],
        attempt=attempt,
        status_detail="",
    )


def _message_note(message: ClientMessage) -> str:
    name = message.template.name if message.template else ""
    return (_("Sent from the portal: %(template)s") % {"template": name})[:300]


@transaction.atomic
def _failed(message: ClientMessage, detail: str, *, unreachable: bool, moment: datetime) -> None:
    outcome = ContactAttempt.Outcome.WRONG_NUMBER if unreachable else ContactAttempt.Outcome.FAILED
    attempt_id = message.attempt_id
    if attempt_id is None:
        attempt_id = outreach.record_attempt(
            message.case,
            worker=message.created_by,
            channel=message.channel,
            outcome=outcome,
            moment=moment,
            note=_message_note(message),
        ).pk
    else:
        outreach.set_attempt_outcome(attempt_id, outcome)
    ClientMessage.objects.filter(pk=message.pk).update(
        status=S.FAILED, failed_at=moment, status_detail=detail[:200], attempt_id=attempt_id
    )
    if unreachable:
        _flag_unreachable(message, moment)


def _flag_unreachable(message: ClientMessage, moment: datetime) -> None:
    """The client's number or address is marked as not working, for the team to check."""
    from referrals.referrals.models import Client

    field = "phone_unreachable_at" if message.channel == Channel.SMS else "email_unreachable_at"
    Client.objects.filter(pk=message.case.client_id, **{f"{field}__isnull": True}).update(
        **{field: moment}
    )
    audit.record(
        "client.unreachable",
        message.case,
        actor=None,
        organisation=message.case.ocmw,
        data={"channel": message.channel, "message": message.pk},
    )


# What the providers report ------------------------------------------------------------

_RANK: dict[str, int] = {S.SENT: 1, S.UNCERTAIN: 1, S.DELIVERED: 2, S.FAILED: 2}


def record_status(provider: str, report: providers.StatusReport) -> ClientMessage | None:
    """A delivery callback: delivered or failed, on the message and its attempt.
    Callbacks come out of order and more than once; a later one never undoes a
    final one."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            ClientMessage.objects.select_for_update(of=("self",))
            .select_related("case__ocmw", "created_by")
            .filter(provider=provider, provider_ref=report.reference)
            .first()
        )
        if message is None:
            return None
        if report.status == "sent" or _RANK.get(message.status, 0) >= 2:
            return message
        if report.status == "delivered":
            ClientMessage.objects.filter(pk=message.pk).update(status=S.DELIVERED, delivered_at=now)
            if message.attempt_id:
                outreach.set_attempt_outcome(message.attempt_id, ContactAttempt.Outcome.DELIVERED)
        else:
            _failed(message, report.detail, unreachable=report.unreachable, moment=now)
    message.refresh_from_db()
    return message


STOP_WORDS = frozenset({"stop", "stop sms", "stopp", "arret", "arrêt", "unsubscribe"})


def record_reply(provider: str, reply: providers.Reply) -> InboundMessage | None:
    """A text message from a client lands on the case of the last message sent to that
    number, for the arrears team; "STOP" ends text messages to them."""
    number = sms_number(reply.from_number) or reply.from_number
    last = (
        ClientMessage.objects.filter(channel=Channel.SMS, to=number)
        .exclude(status__in=[S.QUEUED, S.CANCELLED])
        .select_related("case__client", "case__ocmw")
        .order_by("-sent_at", "-pk")
        .first()
    )
    case = last.case if last else None
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                case=case,
                ocmw_id=case.ocmw_id if case else None,
                in_reply_to=last,
                from_number=number[:32],
                body=reply.body,
                provider=provider,
                provider_ref=reply.reference[:64],
            )
            if case is not None:
                _tell_the_team(case)
                if reply.body.strip().lower() in STOP_WORDS:
                    from referrals.referrals.models import Client

                    Client.objects.filter(pk=case.client_id).update(sms_allowed=False)
                audit.record(
                    "case.message_reply",
                    case,
                    actor=None,
                    organisation=case.ocmw,
                    data={"inbound": inbound.pk},
                )
    except IntegrityError:
        return None  # the provider called twice: stored the first time
    return inbound


def _tell_the_team(case: Case) -> None:
    from partners.principal import people_in_team

    recipients: list[User] = (
        [case.worker] if case.worker is not None else list(people_in_team(case.team_id))
    )
    notify(
        recipients,
        kind="case.message_reply",
        text=gettext_lazy("A client answered a text message."),
        link=reverse("case_detail", args=[case.pk]),
        reference=case.reference,
    )


def forget_unmatched_replies(*, days: int = 30, now: datetime | None = None) -> int:
    """A text message to the portal's number that answers no message of ours (a wrong
    number, an old conversation) is personal data without a case: kept a month for the
    team to trace it, then deleted with the nightly retention."""
    since = (now or timezone.now()) - timedelta(days=days)
    deleted, _rows = InboundMessage.objects.filter(
        case__isnull=True, received_at__lt=since
    ).delete()
    return deleted


def record_bounce(message_pk: int, *, detail: str) -> ClientMessage | None:
    """An e-mail came back for good: the message failed, the address is flagged."""
    message = (
        ClientMessage.objects.select_related("case__ocmw", "created_by")
        .filter(pk=message_pk, channel=Channel.EMAIL)
        .first()
    )
    if message is None:
        return None
    with transaction.atomic():
        locked = ClientMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != S.FAILED:
            message.attempt_id = locked.attempt_id
            _failed(message, detail, unreachable=True, moment=timezone.now())
    message.refresh_from_db()
    return message


# The client's wishes, as the team records them ------------------------------------------


@transaction.atomic
def update_wishes(case: Case, *, actor: User, **wishes) -> None:
    """What the client wants of messages; "works again" clears a flag."""
    from referrals.referrals.models import Client

    if not can_change_arrears(actor, case):
        raise PermissionDenied
    fields: dict[str, bool | None] = {
        name: bool(wishes[name])
        for name in ("sms_allowed", "email_allowed", "reminders_allowed", "discreet_messages")
        if name in wishes
    }
    if wishes.get("phone_works"):
        fields["phone_unreachable_at"] = None
    if wishes.get("email_works"):
        fields["email_unreachable_at"] = None
    Client.objects.filter(pk=case.client_id).update(**fields)
    audit.record(
        "client.message_wishes",
        case,
        actor=actor,
        organisation=case.ocmw,
        data={k: v for k, v in fields.items() if v is not None},
    )


# Templates ----------------------------------------------------------------------------


def template_problems(fields: dict) -> list[str]:
    body = fields.get("body", "")
    subject = fields.get("subject", "")
    shows_arrears = fields.get("shows_arrears", False)
    problems = []
    unknown = texts.unknown_placeholders(subject + body, shows_arrears=shows_arrears)
    if unknown:
        problems.append(
            _("Unknown placeholders: %(names)s.")
            % {"names": ", ".join("{" + n + "}" for n in unknown)}
        )
    if not shows_arrears and texts.mentions_an_amount(subject + " " + body):
        problems.append(_("Only a template that may show the arrears may name an amount."))
    if fields.get("channel") == Channel.EMAIL and not subject.strip():
        problems.append(_("An e-mail needs a subject."))
    if fields.get("channel") == Channel.SMS and texts.sms_length(body).segments > 3:
        problems.append(_("A text message of more than three parts is too long."))
    if fields.get("discreet") and shows_arrears:
        problems.append(_("A discreet template cannot show the arrears."))
    return problems


@transaction.atomic
def save_message_template(
    ocmw: Organisation, *, actor: User, template: MessageTemplate | None, fields: dict
) -> MessageTemplate:
    """Coordinators of the OCMW's arrears team keep its templates; the words are
    checked first (placeholders, amounts, length)."""
    if not outreach.may_keep_templates(actor, ocmw):
        raise PermissionDenied
    problems = template_problems(fields)
    if problems:
        raise ActionRefused(" ".join(problems))
    return outreach.save_ocmw_template(
        MessageTemplate, ocmw, actor=actor, template=template, fields=fields
    )


# Reminders of a LAC session -------------------------------------------------------------

REMINDER_COUNTS = ("queued", "already", "opted_out", "refused_channel", "no_contact", "unreachable")


@transaction.atomic
def plan_session_reminder(
    session: LacSession, *, actor: User, template: MessageTemplate, days_before: int
) -> SessionReminder:
    if not can_manage_lac(actor, session.ocmw) or template.ocmw_id != session.ocmw_id:
        raise PermissionDenied
    if template.purpose != MessageTemplate.Purpose.LAC_SESSION:
        raise ActionRefused(_("Choose a template for reminders of the LAC session."))
    if not 0 <= days_before <= 30:
        raise ActionRefused(_("Between 0 and 30 days before the session."))
    reminder, _created = SessionReminder.objects.update_or_create(
        session=session,
        defaults={"template": template, "days_before": days_before, "planned_by": actor},
    )
    audit.record(
        "lac_session.reminder_planned",
        session,
        actor=actor,
        organisation=session.ocmw,
        data={"template": template.pk, "days_before": days_before},
    )
    return reminder


def _reason_skipped(case: Case, template: MessageTemplate) -> str | None:
    client = case.client
    if not client.reminders_allowed or (client.discreet_messages and not template.discreet):
        return "opted_out"
    if template.channel == Channel.SMS:
        if not client.sms_allowed:
            return "refused_channel"
        if sms_number(client.phone) is None:
            return "no_contact"
        if client.phone_unreachable_at:
            return "unreachable"
    else:
        if not client.email_allowed:
            return "refused_channel"
        if not client.email:
            return "no_contact"
        if client.email_unreachable_at:
            return "unreachable"
    return None


def run_session_reminders(session: LacSession, *, actor: User | None = None) -> dict:
    """Queue the session's reminder to every client on its agenda who wants one; count
    who was skipped and why. Each client's reminder is one message, keyed by session
    and case: running the round again queues nobody twice."""
    reminder = SessionReminder.objects.select_related("template", "planned_by").get(session=session)
    if actor is not None and not can_manage_lac(actor, session.ocmw):
        raise PermissionDenied
    if session.status != LacSession.Status.PLANNED:
        raise ActionRefused(_("This session was held already."))
    sender = actor or reminder.planned_by
    counts = dict.fromkeys(REMINDER_COUNTS, 0)
    items = (
        AgendaItem.objects.filter(session=session)
        .select_related("case__client", "case__ocmw")
        .order_by("position", "pk")
    )
    done = set(
        ClientMessage.objects.filter(key__startswith=f"lac:{session.pk}:").values_list(
            "case_id", flat=True
        )
    )
    variants = variants_of(reminder.template)
    for item in items.iterator(chunk_size=500):
        case = item.case
        if case.pk in done:
            counts["already"] += 1
            continue
        template = variant_for(reminder.template, case.client.language, variants)
        reason = _reason_skipped(case, template)
        if reason:
            counts[reason] += 1
            continue
        try:
            with transaction.atomic():
                _create(
                    case,
                    template,
                    actor=sender,
                    key=f"lac:{session.pk}:{case.pk}",
                    session=session,
                )
        except IntegrityError:
            counts["already"] += 1  # a round running beside this one queued it
            continue
        except ActionRefused:
            counts["refused_channel"] += 1
            continue
        counts["queued"] += 1
    SessionReminder.objects.filter(pk=reminder.pk).update(ran_at=timezone.now(), counts=counts)
    audit.record(
        "lac_session.reminders_run", session, actor=actor, organisation=session.ocmw, data=counts
    )
    return counts


@transaction.atomic
def start_reminder_round(session: LacSession, *, actor: User) -> None:
    """Run the round now, in the background (an agenda can hold thousands of files)."""
    if not can_manage_lac(actor, session.ocmw):
        raise PermissionDenied
    if session.status != LacSession.Status.PLANNED:
        raise ActionRefused(_("This session was held already."))
    from referrals.messaging.tasks import run_session_reminders_job

    enqueue(run_session_reminders_job, session.pk, actor.pk)


def status_counts(statuses) -> list[tuple[str, int]]:
    """How many of these messages are in each state, in the order of the states."""
    counted: dict[str, int] = {}
    for status in statuses:
        counted[status] = counted.get(status, 0) + 1
    return [(str(label), counted[value]) for value, label in S.choices if value in counted]


def run_due_reminder_rounds(*, today=None) -> int:
    """The rounds whose day has come and that did not run yet (hourly)."""
    today = today or timezone.localdate()
    ran = 0
    for reminder in SessionReminder.objects.filter(
        ran_at__isnull=True, session__status=LacSession.Status.PLANNED, session__date__gte=today
    ).select_related("session__ocmw"):
        if reminder.session.date - timedelta(days=reminder.days_before) <= today:
            run_session_reminders(reminder.session)
            ran += 1
    return ran
