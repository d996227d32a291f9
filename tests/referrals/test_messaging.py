"""Text messages and e-mails to clients (#20): sending, delivery, bounces, replies,
reminders, the client's wishes, and who may see them.

The SMS provider is a local server speaking Twilio's API (tests/referrals/
messaging_servers.py); e-mail goes to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.core.exceptions import ActionRefused
from portal.core.models import Notification
from referrals.cases import services as cases
from referrals.cases.models import AgendaItem
from referrals.messaging import providers, services, texts
from referrals.messaging.demo_texts import TEMPLATES, seed_message_templates
from referrals.messaging.models import ClientMessage, InboundMessage, MessageTemplate
from referrals.outreach import what_works
from referrals.outreach.models import ContactAttempt
from referrals.referrals import services as referral_services
from referrals.referrals.models import Client
from tests.mail_server import SmtpServer
from tests.referrals.conftest import client_data
from tests.referrals.messaging_servers import (
    ACCOUNT,
    SENDER,
    TOKEN,
    FakeTwilio,
    signed_callback,
)

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
S = ClientMessage.Status


@pytest.fixture
def twilio(settings):
    with FakeTwilio() as server:
        settings.PORTAL_SMS_PROVIDER = "twilio"
        settings.TWILIO_ACCOUNT_SID = ACCOUNT
        settings.TWILIO_AUTH_TOKEN = TOKEN
        settings.TWILIO_FROM = SENDER
        settings.TWILIO_API_BASE = server.url
        settings.PORTAL_BASE_URL = BASE
        yield server


@pytest.fixture
def daytime(monkeypatch):
    """Text messages are held at night; most tests send in the daytime."""
    monkeypatch.setattr(services, "quiet_until", lambda moment: None)


@pytest.fixture
def case(cast, make_referral):
    referral = make_referral(client=client_data(cast, email="maria@example.org"))
    r = referral_services.acknowledge_referral(
        referral, actor=cast.social_worker, version=referral.version
    )
    return cases.open_case_from_referral(r, actor=cast.social_worker)


@pytest.fixture
def templates(cast):
    seed_message_templates(cast.ocmw)
    return {
        (t.channel, t.name, t.language): t for t in MessageTemplate.objects.filter(ocmw=cast.ocmw)
    }


def sms_template(templates, name="Bel ons even", language="nl"):
    return templates[("sms", name, language)]


def email_template(templates, name="Uitnodiging per mail", language="nl"):
    return templates[("email", name, language)]


def send(case, actor, template, **kwargs):
    return services.queue_message(case, actor=actor, template=template, **kwargs)


# The journey of the issue ---------------------------------------------------------------


def test_a_worker_sends_an_sms_and_an_email_and_hears_back(
    cast, case, templates, twilio, daytime, settings, client, django_capture_on_commit_callbacks
):
    with SmtpServer() as smtp:
        settings.MAILERS = smtp.mailers_setting()
        client.force_login(cast.social_worker)
        url = reverse("message_new", args=[case.pk])
        for template in (sms_template(templates), email_template(templates)):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(url, {"template": template.pk, "key": f"k-{template.pk}"})
            assert response.status_code == 302
        # Exactly one request each reached the providers.
        assert len(twilio.requests) == 1
        assert len(smtp.received) == 1

    sms = ClientMessage.objects.get(channel="sms")
    fields = twilio.requests[0]["fields"]
    assert twilio.requests[0]["auth_ok"]
    assert fields["To"] == "+32470123456"
    assert fields["From"] == SENDER
    assert fields["Body"] == sms.body and "Maria Janssens" in sms.body
    assert fields["StatusCallback"] == BASE + "/hooks/sms/twilio/status/"
    assert sms.status == S.SENT and sms.provider_ref.startswith("SM")
    assert sms.attempt.channel == "sms" and sms.attempt.outcome == ContactAttempt.Outcome.SENT

    envelope = smtp.received[0]
    email = ClientMessage.objects.get(channel="email")
    assert envelope.rcpt_tos == ["maria@example.org"]
    assert envelope.mail_from == providers.bounce_address(email.pk)
    (mail,) = smtp.messages()
    assert mail["From"].addresses[0].display_name == "OCMW Aalst"
    assert mail["Message-ID"] == providers.email_message_id(email.pk)
    assert "Maria Janssens" in mail.get_body(("plain",)).get_content()
    assert email.status == S.SENT

    # The provider reports the SMS delivered; what works counts it.
    response = signed_callback(
        client,
        BASE,
        "/hooks/sms/twilio/status/",
        {"MessageSid": sms.provider_ref, "MessageStatus": "delivered", "To": "+32470123456"},
    )
    assert response.status_code == 204
    sms.refresh_from_db()
    assert sms.status == S.DELIVERED
    assert ContactAttempt.objects.get(pk=sms.attempt_id).outcome == "delivered"
    today = timezone.localdate()
    counts = what_works.message_counts(cast.ocmw, start=today, end=today + timedelta(days=1))
    by_channel = {row.channel: row for row in counts}
    assert (by_channel["sms"].sent, by_channel["sms"].delivered) == (1, 1)
    assert (by_channel["email"].sent, by_channel["email"].delivered) == (1, 0)
    page = client.get(reverse("what_works"))
    assert b"data-message-counts" in page.content

    # The e-mail bounces: the message failed and the address is flagged.
    bounce = _dsn(to=providers.bounce_address(email.pk), recipient="maria@example.org")
    call_command("process_bounce", _write(bounce), stdout=StringIO())
    email.refresh_from_db()
    assert email.status == S.FAILED
    assert ContactAttempt.objects.get(pk=email.attempt_id).outcome == "wrong_number"
    assert Client.objects.get(pk=case.client_id).email_unreachable_at is not None
    case.client.refresh_from_db()
    with pytest.raises(ActionRefused, match="kwam terug"):
        send(case, cast.social_worker, email_template(templates), key="again")


def test_a_forged_callback_is_refused_and_changes_nothing(
    cast, case, templates, twilio, daytime, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(case, cast.social_worker, sms_template(templates))
    message.refresh_from_db()
    params = {"MessageSid": message.provider_ref, "MessageStatus": "delivered"}
    forged = signed_callback(client, BASE, "/hooks/sms/twilio/status/", params, token="guessed")
    unsigned = client.post("/hooks/sms/twilio/status/", params)
    other_account = signed_callback(
        client, BASE, "/hooks/sms/twilio/status/", {**params, "AccountSid": "AC" + "1" * 32}
    )
    assert (forged.status_code, unsigned.status_code, other_account.status_code) == (403, 403, 403)
    message.refresh_from_db()
    assert message.status == S.SENT
    reply = signed_callback(
        client,
        BASE,
        "/hooks/sms/twilio/reply/",
        {"MessageSid": "SMx", "From": "+32470123456", "Body": "ja"},
        token="guessed",
    )
    assert reply.status_code == 403
    assert not InboundMessage.objects.exists()


def _dsn(*, to: str, recipient: str, action: str = "failed", status: str = "5.1.1") -> bytes:
    """A delivery status notification as RFC 3464 shapes it."""
    return (
        f"From: MAILER-DAEMON@mx.example.org\r\n"
        f"To: {to}\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\n"
        f"MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        f"--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        f"--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.example.org\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: {status}\r\n\r\n"
        f"--b--\r\n"
    ).encode()


def _write(data: bytes) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile(delete=False, suffix=".eml") as handle:
        handle.write(data)
    return handle.name


def test_a_delayed_or_forged_bounce_changes_nothing(
    cast, case, templates, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(case, cast.social_worker, email_template(templates))
    delayed = _dsn(
        to=providers.bounce_address(message.pk), recipient="x", action="delayed", status="4.4.1"
    )
    forged_address = providers.bounce_address(message.pk).replace("+", "+1")
    for raw in (delayed, _dsn(to=forged_address, recipient="x"), b"Subject: hello\r\n\r\nhi"):
        call_command("process_bounce", _write(raw), stdout=StringIO())
    message.refresh_from_db()
    assert message.status == S.SENT
    assert (
        providers.message_of_bounce_address(
            f"bounces+{message.pk}.bad@{settings.PORTAL_MAIL_DOMAIN}"
        )
        is None
    )


# Sending once ---------------------------------------------------------------------------


def test_the_job_run_twice_sends_once(
    cast, case, templates, twilio, daytime, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(case, cast.social_worker, sms_template(templates))
    assert services.send_message(message.pk) == "done already"
    assert len(twilio.requests) == 1
    assert ContactAttempt.objects.filter(case=case).count() == 1


def test_a_double_submit_of_the_form_is_one_message(cast, case, templates, twilio, daytime):
    first = send(case, cast.social_worker, sms_template(templates), key="form-1")
    second = send(case, cast.social_worker, sms_template(templates), key="form-1")
    assert first.pk == second.pk
    assert ClientMessage.objects.count() == 1


def test_a_send_cut_off_midway_is_never_repeated(
    cast, case, templates, twilio, daytime, monkeypatch
):
    message = send(case, cast.social_worker, sms_template(templates))

    def cut_off(self, **kwargs):
        raise TimeoutError("read timed out")

    monkeypatch.setattr(providers.Twilio, "send", cut_off)
    assert services.send_message(message.pk) == "uncertain"
    monkeypatch.undo()
    assert services.send_message(message.pk) == "done already"
    message.refresh_from_db()
    assert message.status == S.UNCERTAIN
    assert twilio.requests == []


def test_a_provider_that_is_down_gets_the_message_later(cast, case, templates, twilio, daytime):
    message = send(case, cast.social_worker, sms_template(templates))
    twilio.fail_with = (503, {"code": 20500, "message": "busy"})
    assert services.send_message(message.pk) == "retry"
    message.refresh_from_db()
    assert (message.status, message.enqueued_at) == (S.QUEUED, None)
    twilio.fail_with = None
    later = timezone.now() + timedelta(minutes=2)
    assert services.queue_due_messages(now=later) == 1
    assert services.send_message(message.pk, now=later) == "sent"
    assert len(twilio.requests) == 2  # the refused one and the one that went


def test_a_number_the_provider_refuses_is_flagged(cast, case, templates, twilio, daytime):
    message = send(case, cast.social_worker, sms_template(templates))
    twilio.fail_with = (400, {"code": 21211, "message": "Invalid 'To' Phone Number"})
    assert services.send_message(message.pk) == "refused"
    message.refresh_from_db()
    assert message.status == S.FAILED and "21211" in message.status_detail
    assert message.attempt.outcome == ContactAttempt.Outcome.WRONG_NUMBER
    assert Client.objects.get(pk=case.client_id).phone_unreachable_at is not None


def test_an_undelivered_report_fails_the_message_and_flags_the_number(
    cast, case, templates, twilio, daytime, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(case, cast.social_worker, sms_template(templates))
    message.refresh_from_db()
    for status in ("undelivered", "delivered", "sent"):  # out of order, and late
        signed_callback(
            client,
            BASE,
            "/hooks/sms/twilio/status/",
            {"MessageSid": message.provider_ref, "MessageStatus": status, "ErrorCode": "30006"},
        )
    message.refresh_from_db()
    assert message.status == S.FAILED
    assert Client.objects.get(pk=case.client_id).phone_unreachable_at is not None


def test_the_rate_limit_holds_the_rest_back(cast, case, templates, twilio, daytime, settings):
    settings.PORTAL_MESSAGES_PER_MINUTE = 1
    first = send(case, cast.social_worker, sms_template(templates))
    second = send(case, cast.social_worker, email_template(templates))
    assert services.send_message(first.pk) == "sent"
    assert services.send_message(second.pk) == "rate limited"
    second.refresh_from_db()
    assert second.status == S.QUEUED and second.send_after > timezone.now()
    assert services.send_message(second.pk, now=timezone.now() + timedelta(minutes=2)) == "sent"


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.get_current_timezone())


def test_a_text_message_written_at_night_waits_for_the_morning(
    cast, case, templates, twilio, settings
):
    settings.PORTAL_SMS_QUIET_HOURS = (21, 8)
    night = at(2026, 12, 3, 23, 30)
    assert services.quiet_until(night) == at(2026, 12, 4, 8, 0)
    early = at(2026, 12, 4, 6, 0)
    assert services.quiet_until(early) == at(2026, 12, 4, 8, 0)
    assert services.quiet_until(at(2026, 12, 4, 14, 0)) is None
    # A text message set for tomorrow 23:30 leaves the morning after, handed over then.
    tomorrow = timezone.localdate() + timedelta(days=1)
    late = at(tomorrow.year, tomorrow.month, tomorrow.day, 23, 30)
    message = send(case, cast.social_worker, sms_template(templates), send_at=late)
    after = tomorrow + timedelta(days=1)
    assert message.send_after == at(after.year, after.month, after.day, 8, 0)
    assert message.enqueued_at is None
    assert services.queue_due_messages(now=late) == 0
    assert services.queue_due_messages(now=message.send_after) == 1
    # An e-mail is not held by the night.
    email = send(case, cast.social_worker, email_template(templates), send_at=late)
    assert email.send_after == late


# The client's wishes ---------------------------------------------------------------------


def test_wishes_refuse_what_the_client_does_not_want(cast, case, templates, twilio, daytime):
    client = case.client
    sms = sms_template(templates)
    lac = templates[("sms", "Hulp bij uw waterfactuur", "nl")]  # not discreet
    Client.objects.filter(pk=client.pk).update(sms_allowed=False)
    case.client.refresh_from_db()
    with pytest.raises(ActionRefused, match="geen sms"):
        send(case, cast.social_worker, sms)
    Client.objects.filter(pk=client.pk).update(sms_allowed=True, discreet_messages=True)
    case.client.refresh_from_db()
    with pytest.raises(ActionRefused, match="discreet"):
        send(case, cast.social_worker, lac)
    assert send(case, cast.social_worker, sms).status == S.QUEUED  # a discreet one may
    Client.objects.filter(pk=client.pk).update(phone="053 21 43 65")  # a landline
    case.client.refresh_from_db()
    with pytest.raises(ActionRefused, match="geen sms"):
        send(case, cast.social_worker, sms)


def test_a_client_who_opted_out_after_queuing_is_not_sent(cast, case, templates, twilio, daytime):
    message = send(case, cast.social_worker, sms_template(templates))
    Client.objects.filter(pk=case.client_id).update(sms_allowed=False)
    assert services.send_message(message.pk) == "cancelled"
    assert twilio.requests == []


def test_the_wishes_form_saves_and_clears_a_flag(cast, case, client):
    Client.objects.filter(pk=case.client_id).update(phone_unreachable_at=timezone.now())
    client.force_login(cast.social_worker)
    url = reverse("message_wishes", args=[case.pk])
    assert b"phone_works" in client.get(url).content
    response = client.post(url, {"email_allowed": "on", "phone_works": "on"})
    assert response.status_code == 302
    saved = Client.objects.get(pk=case.client_id)
    assert (saved.sms_allowed, saved.email_allowed, saved.reminders_allowed) == (False, True, False)
    assert saved.phone_unreachable_at is None


def test_sms_numbers_are_read_the_belgian_way():
    assert services.sms_number("0470 12 34 56") == "+32470123456"
    assert services.sms_number("+32 470 12 34 56") == "+32470123456"
    assert services.sms_number("0032470123456") == "+32470123456"
    assert services.sms_number("053 21 43 65") is None  # a landline takes no SMS
    assert services.sms_number("abc") is None
    assert services.sms_number("") is None


def test_only_text_messages_and_emails_draw_a_warning(
    cast, case, templates, twilio, daytime, client, django_capture_on_commit_callbacks
):
    client.force_login(cast.social_worker)
    page = reverse("case_detail", args=[case.pk])
    warning = b"nooit de enige weg"
    assert warning not in client.get(page).content  # no attempts yet
    with django_capture_on_commit_callbacks(execute=True):
        send(case, cast.social_worker, sms_template(templates))
    assert warning in client.get(page).content
    assert warning in client.get(reverse("message_new", args=[case.pk])).content
    from referrals.outreach import services as outreach

    outreach.log_attempt(case, actor=cast.social_worker, channel="phone", outcome="no_answer")
    assert warning not in client.get(page).content


# No amounts unless the OCMW chooses -------------------------------------------------------


def test_templates_may_not_name_amounts_unless_they_show_the_arrears(cast):
    fields = {
        "name": "Bedrag",
        "channel": "sms",
        "purpose": "general",
        "language": "nl",
        "subject": "",
        "body": "U moet nog € 412,50 betalen.",
        "discreet": False,
        "shows_arrears": False,
    }
    with pytest.raises(ActionRefused, match="bedrag"):
        services.save_message_template(
            cast.ocmw, actor=cast.coordinator, template=None, fields=fields
        )
    with pytest.raises(ActionRefused, match="arrears"):
        services.save_message_template(
            cast.ocmw,
            actor=cast.coordinator,
            template=None,
            fields={**fields, "body": "Nog {arrears}."},
        )
    saved = services.save_message_template(
        cast.ocmw,
        actor=cast.coordinator,
        template=None,
        fields={**fields, "body": "Nog {arrears} open.", "shows_arrears": True},
    )
    assert saved.shows_arrears


def test_the_arrears_amount_is_filled_only_for_a_template_that_shows_it(cast, case, templates):
    cases.save_arrears(
        case,
        actor=cast.social_worker,
        version=None,
        changes={
            "water_company": _water_company(),
            "customer_number": "K-1",
            "amount_outstanding": "412.50",
            "protected_customer": False,
            "flow_limiter_since": None,
            "justification_note": "",
        },
    )
    shows = MessageTemplate.objects.create(
        ocmw=cast.ocmw,
        name="Stand",
        channel="sms",
        purpose="general",
        body="Nog {arrears} open.",
        shows_arrears=True,
    )
    hides = MessageTemplate.objects.create(
        ocmw=cast.ocmw, name="Stand2", channel="sms", purpose="general", body="Nog {arrears} open."
    )
    assert services.render(shows, case, worker=cast.social_worker)[1] == "Nog € 412,50 open."
    assert services.render(hides, case, worker=cast.social_worker)[1] == "Nog {arrears} open."


def _water_company():
    from tests.factories import OrganisationFactory

    return OrganisationFactory(name="Farys", kind="water_company")


# Replies -------------------------------------------------------------------------------------


def test_a_reply_lands_on_the_case_for_the_team_and_stop_ends_texts(
    cast, case, templates, twilio, daytime, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(case, cast.social_worker, sms_template(templates))
    params = {
        "MessageSid": "SMreply1",
        "From": "+32470123456",
        "To": SENDER,
        "Body": "Ik bel morgen",
    }
    for _ in range(2):  # the provider retries until answered
        response = signed_callback(client, BASE, "/hooks/sms/twilio/reply/", params)
        assert response.status_code == 200 and b"<Response/>" in response.content
    reply = InboundMessage.objects.get()
    assert reply.case_id == case.pk
    notes = Notification.objects.filter(kind="case.message_reply")
    assert notes.count() == 2  # the arrears team, the case has no worker yet: once each
    assert all("Ik bel morgen" not in note.text for note in notes)  # contents stay on the case
    client.force_login(cast.social_worker)
    assert "Ik bel morgen" in client.get(reverse("case_detail", args=[case.pk])).content.decode()
    signed_callback(
        client,
        BASE,
        "/hooks/sms/twilio/reply/",
        {**params, "MessageSid": "SMreply2", "Body": "STOP"},
    )
    assert Client.objects.get(pk=case.client_id).sms_allowed is False


# Reminders of a LAC session -----------------------------------------------------------------


@pytest.fixture
def session_with_clients(cast, case, make_referral, templates):
    session = cases.plan_lac_session(
        cast.ocmw, actor=cast.social_worker, on=timezone.localdate() + timedelta(days=10)
    )
    people = {"ok": case}
    for label, changes in {
        "opted_out": {"full_name": "Ann Opt", "reminders_allowed": False},
        "no_phone": {"full_name": "Bert Geen", "phone": "", "email": "bert@example.org"},
        "french": {"full_name": "Chloé Dubois", "language": "fr"},
    }.items():
        wishes = {k: changes.pop(k) for k in ("reminders_allowed",) if k in changes}
        referral = make_referral(client=client_data(cast, **changes))
        r = referral_services.acknowledge_referral(
            referral, actor=cast.social_worker, version=referral.version
        )
        people[label] = cases.open_case_from_referral(r, actor=cast.social_worker)
        if wishes:
            Client.objects.filter(pk=people[label].client_id).update(**wishes)
    for position, item_case in enumerate(people.values()):
        AgendaItem.objects.create(session=session, case=item_case, position=position)
    return session, people


def test_a_reminder_round_skips_who_opted_out_and_sends_once_however_often_it_runs(
    cast, templates, twilio, daytime, session_with_clients, django_capture_on_commit_callbacks
):
    session, people = session_with_clients
    services.plan_session_reminder(
        session,
        actor=cast.coordinator,
        template=sms_template(templates, "Herinnering LAC"),
        days_before=3,
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = services.run_session_reminders(session)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.run_session_reminders(session)
    assert first["queued"] == 2 and first["opted_out"] == 1 and first["no_contact"] == 1
    assert second["queued"] == 0 and second["already"] == 2 and second["opted_out"] == 1
    assert len(twilio.requests) == 2
    bodies = {r["fields"]["Body"] for r in twilio.requests}
    assert any(b.startswith("Bonjour Chloé Dubois") for b in bodies)  # in her language
    assert any(b.startswith("Dag Maria Janssens") for b in bodies)
    assert ClientMessage.objects.filter(session=session).count() == 2
    assert not ClientMessage.objects.filter(case=people["opted_out"]).exists()


def test_the_round_runs_on_its_day_by_itself(
    cast, templates, twilio, daytime, session_with_clients
):
    session, _people = session_with_clients
    services.plan_session_reminder(
        session,
        actor=cast.coordinator,
        template=sms_template(templates, "Herinnering LAC"),
        days_before=3,
    )
    assert services.run_due_reminder_rounds(today=session.date - timedelta(days=4)) == 0
    assert services.run_due_reminder_rounds(today=session.date - timedelta(days=3)) == 1
    assert services.run_due_reminder_rounds(today=session.date - timedelta(days=2)) == 0
    assert ClientMessage.objects.filter(session=session).count() == 2


def test_the_reminder_page_plans_and_shows_the_count(
    cast,
    templates,
    twilio,
    daytime,
    session_with_clients,
    client,
    django_capture_on_commit_callbacks,
):
    session, _people = session_with_clients
    client.force_login(cast.coordinator)
    url = reverse("session_reminders", args=[session.pk])
    template = sms_template(templates, "Herinnering LAC")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"template": template.pk, "days_before": 3, "run_now": "1"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-count="queued">2<' in page and 'data-count="opted_out">1<' in page


def test_an_appointment_reminder_waits_for_its_day(cast, case, templates, twilio, daytime, client):
    client.force_login(cast.social_worker)
    appointment = timezone.localtime() + timedelta(days=5)
    template = sms_template(templates, "Herinnering afspraak")
    url = reverse("message_new", args=[case.pk])
    response = client.post(url, {"template": template.pk, "key": "appt", "remind": "1"})
    assert "datum" in response.content.decode()  # the appointment is asked for
    response = client.post(
        url,
        {
            "template": template.pk,
            "key": "appt",
            "remind": "1",
            "appointment": appointment.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    message = ClientMessage.objects.get()
    assert message.enqueued_at is None
    assert timezone.localtime(message.send_after).date() == (appointment - timedelta(days=1)).date()
    assert services.queue_due_messages() == 0
    assert services.queue_due_messages(now=message.send_after) == 1


# Who may see the messages --------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        "partner_worker",
        "partner_admin",
        "internal_worker",
        "onthaal_worker",
        "other_social_worker",
        "org_admin",
        "platform_admin",
        "outsider",
    ],
)
def test_people_outside_the_arrears_team_never_see_a_message(
    cast, case, templates, twilio, daytime, role, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(case, cast.social_worker, sms_template(templates))
    InboundMessage.objects.create(
        case=case,
        ocmw=cast.ocmw,
        from_number="+32470123456",
        body="Antwoord-geheim",
        provider="x",
        provider_ref="1",
    )
    client.force_login(getattr(cast, role))
    for url in (
        reverse("case_detail", args=[case.pk]),
        reverse("message_new", args=[case.pk]),
        reverse("message_wishes", args=[case.pk]),
        reverse("message_templates"),
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
    cancel = client.post(reverse("message_cancel", args=[case.pk, message.pk]))
    assert cancel.status_code in (403, 404)
    referral = case.referrals.first()
    page = client.get(reverse("referral_detail", args=[referral.pk])).content.decode()
    assert message.body not in page and "Antwoord-geheim" not in page
    assert ClientMessage.objects.visible_to(getattr(cast, role)).count() == 0
    assert InboundMessage.objects.visible_to(getattr(cast, role)).count() == 0


def test_a_worker_who_does_not_coordinate_keeps_no_templates(cast, client):
    client.force_login(cast.social_worker)
    assert client.get(reverse("message_templates")).status_code == 403


# The words ----------------------------------------------------------------------------------


def test_every_demo_template_reads_easily_in_dutch():
    for name, _channel, _purpose, _discreet, languages in TEMPLATES:
        subject, body = languages["nl"]
        assert texts.flesch_douma(body) >= 60, name
        if subject:
            assert texts.flesch_douma(subject) >= 60, name


def test_reading_ease_tells_hard_from_easy():
    hard = (
        "Overeenkomstig de toepasselijke reglementering betreffende de "
        "waterleveringsvoorwaarden wordt u verzocht onverwijld contact op te nemen "
        "met de maatschappelijke dienstverlening teneinde een afbetalingsregeling "
        "overeen te komen."
    )
    assert texts.flesch_douma(hard) < 30
    assert texts.flesch_douma("Bel ons. Wij helpen u graag.") > 80
    assert texts.syllables("waterfactuur") == 4
    assert texts.syllables("huis") == 1


def test_sms_length_counts_parts_as_phones_do():
    assert texts.sms_length("a" * 160) == texts.SmsLength(160, 1, False)
    assert texts.sms_length("a" * 161).segments == 2
    assert texts.sms_length("€" * 80).characters == 160  # € takes two places
    assert texts.sms_length("Şeyma" + "a" * 65).segments == 1
    assert texts.sms_length("Şeyma" + "a" * 66).segments == 2  # outside GSM-7: 70 a part


def test_the_template_editor_shows_length_and_reading_ease(cast, client):
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("message_template_new"),
        {
            "name": "Kort",
            "channel": "sms",
            "purpose": "general",
            "language": "nl",
            "body": "Bel ons. Wij helpen u graag.",
            "preview": "1",
        },
    )
    page = response.content.decode()
    assert "data-reading-ease" in page and "data-sms-length" in page
    assert not MessageTemplate.objects.exists()
    response = client.post(
        reverse("message_template_new"),
        {
            "name": "Kort",
            "channel": "sms",
            "purpose": "general",
            "language": "nl",
            "body": "Bel ons {bogus}.",
        },
    )
    assert response.status_code == 200 and "{bogus}" in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_a_reply_that_answers_no_message_is_kept_a_month(cast, twilio, client):
    params = {"MessageSid": "SMlost", "From": "+32470999999", "To": SENDER, "Body": "Wie is dit?"}
    signed_callback(client, BASE, "/hooks/sms/twilio/reply/", params)
    lost = InboundMessage.objects.get()
    assert lost.case is None and lost.ocmw is None
    assert InboundMessage.objects.visible_to(cast.social_worker).count() == 0
    assert services.forget_unmatched_replies() == 0
    later = timezone.now() + timedelta(days=31)
    assert services.forget_unmatched_replies(now=later) == 1
    assert not InboundMessage.objects.exists()


def test_a_person_cannot_log_the_portals_own_outcomes(cast, case, client):
    """ "Sent, delivery not known yet" is what the provider's answer sets; typed by hand
    it would be an attempt nobody made."""
    from referrals.outreach import services as outreach

    for outcome in ContactAttempt.PORTAL_OUTCOMES:
        with pytest.raises(ActionRefused):
            outreach.log_attempt(case, actor=cast.social_worker, channel="sms", outcome=outcome)
    client.force_login(cast.social_worker)
    page = client.get(reverse("attempt_new", args=[case.pk])).content.decode()
    assert 'value="sent"' not in page and 'value="failed"' not in page
    assert 'value="delivered"' in page
