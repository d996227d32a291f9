"""One world for the security tests: the shared cast plus an object of every kind a
URL needs, built through the services, with a sentinel in every arrears field.

Two OCMWs own arrears data: OCMW Aalst (``cast.ocmw``, arrears team: social_worker
and coordinator) and Sociaal Huis Dendermonde (``cast.other_ocmw``, arrears team:
other_social_worker). Each has its own sentinel, so the Aalst arrears team is also
a "role that may not see" Dendermonde's arrears, and the other way round.

Where a service derives a value the test cannot choose (the address of a home
visit is copied from the client), the sentinel is written into the row afterwards.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.utils import timezone

from partners import invitations as account_services
from partners import services as partner_services
from partners.grants import sync_user_grants
from partners.models import Agreement, Membership, Organisation
from portal.core import webhooks
from portal.core.models import WebhookDelivery
from portal.shell import tokens
from portal.shell import webhooks as webhook_admin
from referrals.cases import lac_import
from referrals.cases import services as cases
from referrals.messaging import services as messaging
from referrals.messaging.models import InboundMessage
from referrals.outreach import services as outreach
from referrals.outreach.models import ContactAttempt, HomeVisit, LetterTemplate
from referrals.referrals import services as referral_services
from referrals.referrals.models import Consent, Referral
from tests.conftest import build_cast
from tests.factories import MembershipFactory, UserFactory
from tests.security.audiences import ROLES
from training import services as training_services
from training.models import Session, Venue

SENTINEL = "ZZSENTINEL"


@dataclass(frozen=True)
class Secret:
    """The sentinels of one OCMW's arrears: a text prefix, amounts and a date.

    ``forms`` are the strings to search for: every way a page, CSV, PDF,
    e-mail or JSON could print them (Belgian, French and English number and
    date formats; ISO in JSON and iCalendar).
    """

    prefix: str
    amount: Decimal
    instalments: int
    day: date

    def text(self, field: str) -> str:
        return f"{self.prefix}-{field}"

    @property
    def instalment(self) -> Decimal:
        return (self.amount / self.instalments).quantize(Decimal("0.01"))

    @property
    def forms(self) -> tuple[str, ...]:
        found = [self.prefix]
        for amount in (self.amount, self.instalment):
            whole = int(amount)
            digits = str(whole)
            grouped = f"{whole:,}"
            found += [
                digits,
                grouped.replace(",", "."),
                grouped,
                grouped.replace(",", " "),
                grouped.replace(",", "\xa0"),
                grouped.replace(",", "\u202f"),
            ]
        d = self.day
        found += [
            d.strftime("%d/%m/%Y"),
            d.isoformat(),
            d.strftime("%Y%m%d"),
            d.strftime("%d-%m-%Y"),
            d.strftime("%d.%m.%Y"),
        ]
        for month in MONTHS[d.month]:
            found += [f"{d.day} {month} {d.year}", f"{month} {d.day}, {d.year}"]
        return tuple(dict.fromkeys(found))

    def found_in(self, text: str) -> list[str]:
        return [form for form in self.forms if form in text]


# Month names in the three languages of the portal (only the months the sentinels use).
MONTHS = {7: ("juli", "juillet", "July"), 8: ("augustus", "août", "August")}

AALST = Secret("ZZSENTINEL-A", Decimal("98765.43"), 7, date(2031, 7, 19))
DENDERMONDE = Secret("ZZSENTINEL-D", Decimal("87654.21"), 3, date(2032, 8, 23))

CONSENT = {
    "share_details": True,
    "ocmw_may_contact": True,
    "feedback": Consent.Feedback.STATUS,
    "method": Consent.Method.SPOKEN,
    "given_by": "de cliënt zelf",
}


def _client(postcode, name: str, street: str) -> dict:
    return {
        "full_name": name,
        "street": street,
        "postcode": postcode,
        "phone": "0470 12 34 56",
        "email": "",
        "language": "nl",
        "interpreter_needed": False,
        "preferred_channel": "phone",
        "preferred_times": "voormiddag",
        "voicemail_allowed": False,
        "closed_envelope": True,
        "trusted_person": "",
    }


def _referral(reason: str = "water") -> dict:
    return {
        "reason": reason,
        "description": "Heeft een brief van de watermaatschappij gekregen.",
        "lac_letter_received": True,
        "lac_session_date": None,
        "supply_limited": False,
        "offers_to_accompany": True,
        "accompany_availability": "dinsdagnamiddag",
        "contact_via": "direct",
    }


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@contextmanager
def capture_logs():
    """Every log record of every logger, at DEBUG, whatever the configured levels."""
    handler = _Records()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    levels = {logger: logger.level for logger in loggers}
    disabled = {logger: logger.disabled for logger in loggers}
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if logger is loggers[0] or not logger.propagate:
            logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        for logger in loggers:
            logger.setLevel(levels[logger])
            logger.disabled = disabled[logger]
            logger.removeHandler(handler)


def render_record(record: logging.LogRecord) -> str:
    """A record as an operator would read it, plus its raw arguments and extras."""
    try:
        message = record.getMessage()
    except Exception:
        message = str(record.msg)
    extras = {k: v for k, v in vars(record).items() if k not in _PLAIN_RECORD}
    return f"{record.name} {message} {record.args!r} {extras!r} {record.exc_text or ''}"


_PLAIN_RECORD = set(vars(logging.makeLogRecord({})))


def build_world() -> SimpleNamespace:
    """Build everything, with the network faked and e-mails and logs captured."""
    sent_webhooks: list[bytes] = []

    def fake_send(delivery, now):
        sent_webhooks.append(repr(delivery.payload).encode())
        return 204, ""

    with (
        capture_logs() as records,
        mock.patch.object(webhooks, "_send", fake_send),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        mail.outbox = []
        world = _build()
    world.emails = list(mail.outbox)
    world.log_records = list(records)
    world.webhook_bodies = sent_webhooks
    world.invitation_token = invitation_token(world.emails)
    world.clients = {"anonymous": Client()}
    for role in ROLES[1:]:
        world.clients[role] = Client()
        world.clients[role].force_login(getattr(world, role))
    # A delivery that failed, so "send again" has something to send.
    world.failed_delivery = WebhookDelivery.objects.filter(endpoint=world.partner_endpoint).first()
    WebhookDelivery.objects.filter(pk=world.failed_delivery.pk).update(
        delivered_at=None, failed_at=timezone.now(), next_attempt_at=None
    )
    return world


def _build() -> SimpleNamespace:
    cast = build_cast()
    w = SimpleNamespace(**vars(cast))
    # The demo world's privacy officer of OCMW Aalst (not in the shared test cast).
    w.privacy_officer = MembershipFactory(
        team=cast.teams.beheer,
        role=Membership.Role.PRIVACY,
        user=UserFactory(email="privacy@example.org"),
    ).user
    sync_user_grants([w.privacy_officer.pk])
    # The demo's platform admins hold the model permissions of the portal's own apps.
    w.platform_admin.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["portal", "partners", "training"])
    )
    now = timezone.now()
    today = timezone.localdate()
    farys = Organisation.objects.get(name="Farys", kind=Organisation.Kind.WATER_COMPANY)
    watergroep = Organisation.objects.get(
        name="De Watergroep", kind=Organisation.Kind.WATER_COMPANY
    )
    w.agreement = Agreement.objects.get(ocmw=cast.ocmw, partner=cast.partner)
    Agreement.objects.filter(pk=w.agreement.pk).update(may_cohost=True)

    # Integrators: webhooks of both organisations (before the referrals, so every
    # event is delivered) and API tokens.
    w.partner_endpoint, _secret = webhook_admin.create_endpoint(
        cast.partner, actor=cast.partner_admin, url="https://hooks.buurthuis.example/lac"
    )
    w.ocmw_endpoint, _secret = webhook_admin.create_endpoint(
        cast.ocmw, actor=cast.org_admin, url="https://hooks.ocmw-aalst.example/lac"
    )
    w.partner_token, _secret = tokens.create_token(
        actor=cast.partner_worker, name="Boekhouding", scope="read", expires_at=now + timedelta(30)
    )
    w.ocmw_token, _secret = tokens.create_token(
        actor=cast.social_worker, name="Dossiers", scope="write", expires_at=now + timedelta(30)
    )

    # Referrals: two of the partner (to the arrears team), one of the internal team
    # (to the receiving team without arrears).
    w.referral = referral_services.create_referral(
        actor=cast.partner_worker,
        team=cast.teams.partner,
        client=_client(cast.postcode, "Maria Janssens", "Stationsstraat 1"),
        referral=_referral(),
        consent=CONSENT,
        submit=True,
    )
    w.referral2 = referral_services.create_referral(
        actor=cast.partner_worker,
        team=cast.teams.partner,
        client=_client(cast.postcode, "Els De Smet", "Kerkstraat 9"),
        referral=_referral(),
        consent=CONSENT,
        submit=True,
    )
    w.internal_referral = referral_services.create_referral(
        actor=cast.internal_worker,
        team=cast.teams.opbouw,
        client=_client(cast.postcode, "Ahmed Benali", "Nieuwstraat 12"),
        referral=_referral("other"),
        consent=CONSENT,
        submit=True,
    )
    # A draft without consent: nothing of it may reach the OCMW yet.
    w.draft = referral_services.create_referral(
        actor=cast.partner_worker,
        team=cast.teams.partner,
        client=_client(cast.postcode, "Jan Concept", "Dorpsstraat 3"),
        referral=_referral(),
        consent=None,
        submit=False,
    )
    r = referral_services.acknowledge_referral(
        w.referral, actor=cast.social_worker, version=w.referral.version
    )
    r = referral_services.assign_referral(
        r, actor=cast.coordinator, worker=cast.social_worker, version=r.version
    )
    referral_services.post_message(
        r, actor=cast.social_worker, text="We bellen haar deze week.", visible_to_referrer=True
    )
    referral_services.post_message(
        r, actor=cast.social_worker, text=AALST.text("internal_message"), visible_to_referrer=False
    )
    referral_services.acknowledge_referral(
        w.internal_referral, actor=cast.onthaal_worker, version=w.internal_referral.version
    )
    for name in ("referral", "referral2", "internal_referral"):
        setattr(w, name, Referral.objects.get(pk=getattr(w, name).pk))

    # Aalst: a case for each referral, with arrears, invoice, payment plan, notes,
    # attempts, a home visit, a letter template; a LAC session with a decision.
    sw, coordinator = cast.social_worker, cast.coordinator
    w.case = cases.open_case_from_referral(w.referral, actor=sw)
    _plant_arrears(w.case, sw, farys, AALST)
    w.case2 = cases.open_case_from_referral(w.referral2, actor=sw)
    cases.save_arrears(
        w.case2,
        actor=sw,
        version=None,
        changes={
            "water_company": farys,
            "customer_number": AALST.text("customer_number-2"),
            "amount_outstanding": Decimal("12.00"),
        },
    )
    w.internal_case = cases.open_case_from_referral(w.internal_referral, actor=sw)
    cases.add_case_note(w.internal_case, actor=sw, text=AALST.text("case_note-internal"))
    outreach.log_attempt(
        w.case,
        actor=sw,
        channel=ContactAttempt.Channel.VIA_PARTNER,
        # Not a reaching outcome: one would move the referral to "contact made" on its
        # own (tests/referrals/test_partner_loop.py), and the matrix needs it acknowledged.
        outcome=ContactAttempt.Outcome.NO_ANSWER,
        partner=cast.partner,
        note=AALST.text("partner_attempt_note"),
    )
    w.visit = _plant_visit(w.case, sw, AALST)
    w.template = outreach.save_letter_template(
        cast.ocmw,
        actor=coordinator,
        template=None,
        fields={
            "kind": LetterTemplate.Kind.LETTER,
            "name": "Eerste brief",
            "body": "Beste {client}, kom langs op {appointment}. " + AALST.text("letter_body"),
            "with_logo": False,
            "mentions_cutoff": False,
        },
    )
    # A text message to the client that shows the arrears (the OCMW chose so), and the
    # client's reply: the arrears team's alone (#20).
    w.message_template = messaging.save_message_template(
        cast.ocmw,
        actor=coordinator,
        template=None,
        fields={
            "name": AALST.text("message_template_name"),
            "channel": "sms",
            "purpose": "general",
            "language": "nl",
            "subject": "",
            "body": "Dag {client}. " + AALST.text("message_template_body") + " Nog {arrears}.",
            "discreet": False,
            "shows_arrears": True,
        },
    )
    w.client_message = messaging.queue_message(
        w.case, actor=sw, template=w.message_template, key="world:message"
    )
    InboundMessage.objects.create(
        case=w.case,
        ocmw=cast.ocmw,
        from_number="+32470123456",
        body=AALST.text("reply_body"),
        provider="console",
        provider_ref="world-reply",
    )
    w.lac_session, w.agenda_item = _plant_lac(w.case, sw, AALST, today + timedelta(days=20))
    w.held_session = cases.plan_lac_session(cast.ocmw, actor=sw, on=today - timedelta(days=30))
    cases.mark_session_held(
        w.held_session,
        actor=sw,
        version=w.held_session.version,
        members_present=AALST.text("members_present"),
    )
    w.lac_import = _plant_lac_import(cast, w.lac_session, sw, AALST)

    # Dendermonde: a walk-in case with the same kinds of data, its own sentinel.
    osw = cast.other_social_worker
    w.other_case = cases.open_walk_in_case(
        cast.other_ocmw,
        actor=osw,
        client=_client(cast.other_postcode, DENDERMONDE.text("client_name"), "Markt 1"),
    )
    _plant_arrears(w.other_case, osw, watergroep, DENDERMONDE)
    w.other_visit = _plant_visit(w.other_case, osw, DENDERMONDE)
    w.other_lac_session, w.other_agenda_item = _plant_lac(
        w.other_case, osw, DENDERMONDE, today + timedelta(days=25)
    )

    # Reminders and alerts that run in the background: they notify and e-mail.
    cases.escalate_unreached(today=w.lac_session.date - timedelta(days=5))
    outreach.alert_overdue_visits(now=now + timedelta(days=2))

    # The partner network: a pending proposal, an invitation.
    w.proposal = partner_services.propose_agreement(
        cast.partner,
        cast.other_ocmw,
        actor=cast.partner_admin,
        may_refer=True,
        may_cohost=False,
        may_be_named=False,
        valid_from=today,
    )
    w.invitation = account_services.invite_member(
        cast.teams.partner,
        actor=cast.partner_admin,
        email="nieuw@example.org",
        full_name="Nieuwe Vrijwilliger",
        base_url="http://testserver/",
    )
    w.membership = cast.partner_worker.memberships.get(team=cast.teams.partner)

    _build_training(w, now, today)
    w.feed_token = training_services.create_calendar_feed(actor=cast.partner_worker)
    return w


def invitation_token(emails) -> str:
    for message in emails:
        found = re.search(r"/invitations/([^/\s]+)/", message.body)
        if found:
            return found.group(1)
    raise AssertionError("no invitation e-mail")


def _plant_arrears(case, actor, company, secret: Secret) -> None:
    cases.save_arrears(
        case,
        actor=actor,
        version=None,
        changes={
            "water_company": company,
            "customer_number": secret.text("customer_number"),
            "amount_outstanding": secret.amount,
            "protected_customer": True,
            "flow_limiter_since": secret.day,
            "justification_note": secret.text("justification_note"),
        },
    )
    cases.add_invoice(
        case,
        actor=actor,
        number=secret.text("invoice_number"),
        issued_on=secret.day,
        amount=secret.amount,
    )
    cases.add_payment_plan(
        case,
        actor=actor,
        total_amount=secret.amount,
        instalments=secret.instalments,
        start_date=secret.day,
    )
    cases.add_case_note(case, actor=actor, text=secret.text("case_note"))
    outreach.log_attempt(
        case,
        actor=actor,
        channel=ContactAttempt.Channel.PHONE,
        outcome=ContactAttempt.Outcome.NO_ANSWER,
        note=secret.text("attempt_note"),
    )


def _plant_visit(case, actor, secret: Secret) -> HomeVisit:
    start = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    visit = outreach.plan_visit(
        case, actor=actor, start=start, end=start + timedelta(hours=1), announced=True
    )
    HomeVisit.objects.filter(pk=visit.pk).update(address=secret.text("visit_address"))
    visit.refresh_from_db()
    return visit


def _plant_lac(case, actor, secret: Secret, on: date):
    session = cases.plan_lac_session(case.ocmw, actor=actor, on=on)
    item = cases.add_to_agenda(session, case, actor=actor)
    item = cases.record_decision(
        item,
        actor=actor,
        version=item.version,
        decision="conditional",
        decided_on=secret.day,
        motivation=secret.text("motivation"),
        plan={
            "total_amount": secret.amount,
            "instalments": secret.instalments,
            "start_date": secret.day,
        },
    )
    return session, item


LAC_HEADER = (
    "watermaatschappij;klantnummer;naam;straat;postcode;gemeente;bedrag;"
    "sociaal_tarief;begrenzer_sinds;gsm;verantwoordingsnota"
)


def _plant_lac_import(cast, session, actor, secret: Secret):
    amount = f"{int(secret.amount):,}".replace(",", ".") + f",{str(secret.amount)[-2:]}"
    row = ";".join(
        [
            "Farys",
            secret.text("lac_klantnummer"),
            secret.text("lac_naam"),
            secret.text("lac_straat"),
            cast.postcode.code,
            cast.postcode.name,
            amount,
            "ja",
            secret.day.strftime("%d/%m/%Y"),
            secret.text("lac_gsm"),
            secret.text("lac_nota"),
        ]
    )
    raw = f"{LAC_HEADER}\n{row}\n".encode()
    imported, plan = lac_import.start_import(
        ocmw=cast.ocmw, session=session, actor=actor, filename="lac-lijst.csv", raw=raw
    )
    assert not plan.problems, plan.problems
    lac_import.apply(imported, actor=actor)
    imported.refresh_from_db()
    return imported


def _build_training(w, now, today) -> None:
    coordinator = w.coordinator
    w.ocmw_venue = training_services.create_venue(
        w.ocmw, actor=coordinator, name="Zaal Gasthuis", capacity=40
    )
    w.venue = training_services.create_venue(
        w.partner, actor=w.partner_admin, name="Grote zaal", capacity=20
    )
    # A venue of the partner without an agreement (not usable for the OCMW's sessions).
    w.other_partner_venue = Venue.objects.create(
        organisation=w.other_partner, name="Winkel", capacity=10
    )
    starts = now.replace(microsecond=0) + timedelta(days=7)
    fields = {
        "organising_team": w.teams.watercel,
        "title": "Je waterfactuur lezen",
        "topics": "water_bill lac",
        "audience": "residents",
        "language": "nl",
        "venue": w.venue,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "capacity": 10,
        "description": "We lezen samen een waterfactuur.",
    }
    session = training_services.create_session(
        w.ocmw, actor=coordinator, cohosts=[w.partner], **fields
    )
    training_services.publish_session(session, actor=coordinator)
    w.session = Session.objects.get(pk=session.pk)
    w.draft_session = training_services.create_session(
        w.ocmw, actor=coordinator, cohosts=[w.partner], **(fields | {"title": "Concept"})
    )
    past = now.replace(microsecond=0) - timedelta(hours=3)
    w.past_session = Session.objects.create(
        organisation=w.ocmw,
        created_by=coordinator,
        status=Session.Status.PUBLISHED,
        **(fields | {"title": "Voorbij", "starts_at": past, "ends_at": past + timedelta(hours=2)}),
    )
    w.past_session.cohosts.create(organisation=w.partner, added_by=coordinator)
    w.registration = training_services.register_people(
        w.session,
        actor=w.partner_worker,
        organisation=w.partner,
        kind="named",
        participant_name="Fatima B.",
        consent=True,
    )
    w.session_request = training_services.request_session(
        w.partner,
        actor=w.partner_worker,
        ocmw=w.ocmw,
        topics="lac",
        audience="residents",
        preferred_from=today + timedelta(days=10),
        preferred_until=today + timedelta(days=40),
        expected_people=8,
    )
    w.material = training_services.add_material(
        w.session,
        actor=coordinator,
        title="Voorbeeldfactuur",
        file=SimpleUploadedFile("factuur.txt", b"Een voorbeeld van een waterfactuur."),
    )
