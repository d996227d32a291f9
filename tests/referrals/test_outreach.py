from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from portal.core.exceptions import ActionRefused
from portal.core.models import Notification
from referrals.cases import services as cases
from referrals.cases.models import Case
from referrals.outreach import services as outreach
from referrals.outreach.models import ContactAttempt, HomeVisit, LetterTemplate
from referrals.referrals import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast, referral):
    r = services.acknowledge_referral(referral, actor=cast.social_worker, version=referral.version)
    return cases.open_case_from_referral(r, actor=cast.social_worker)


@pytest.fixture
def template(cast):
    return LetterTemplate.objects.create(
        ocmw=cast.ocmw,
        kind="letter",
        name="Uitnodiging",
        body="Beste {client}, kom langs op {appointment}. Bel {ocmw_phone}.",
        with_logo=False,
    )


def test_a_reaching_attempt_marks_the_case_reached(cast, case):
    outreach.log_attempt(case, actor=cast.social_worker, channel="phone", outcome="no_answer")
    case.refresh_from_db()
    assert case.reached_at is None
    outreach.log_attempt(case, actor=cast.social_worker, channel="phone", outcome="reached")
    case.refresh_from_db()
    assert case.status == Case.Status.REACHED


def test_voicemail_against_the_clients_wish_is_always_refused(cast, case):
    assert not case.client.voicemail_allowed
    with pytest.raises(ActionRefused, match="voicemail"):
        outreach.log_attempt(
            case,
            actor=cast.social_worker,
            channel="phone",
            outcome="voicemail",
            accept_conflicts=True,
        )


def test_shared_mailbox_conflicts_need_confirmation(cast, case):
    assert case.client.closed_envelope
    with pytest.raises(ActionRefused, match="gesloten omslag"):
        outreach.log_attempt(
            case,
            actor=cast.social_worker,
            channel="card_printed",
            outcome="delivered",
            in_envelope=False,
        )
    attempt = outreach.log_attempt(
        case,
        actor=cast.social_worker,
        channel="card_printed",
        outcome="delivered",
        in_envelope=False,
        accept_conflicts=True,
    )
    assert attempt.pk


@pytest.mark.parametrize(
    "person", ["partner_worker", "internal_worker", "onthaal_worker", "other_social_worker"]
)
def test_only_the_arrears_team_logs_attempts(cast, client, case, person):
    client.force_login(getattr(cast, person))
    assert client.get(reverse("attempt_new", args=[case.pk])).status_code == 404
    assert (
        client.post(
            reverse("attempt_new", args=[case.pk]),
            {
                "channel": "phone",
                "outcome": "reached",
                "moment": "2026-11-01T10:00",
            },
        ).status_code
        == 404
    )
    assert not ContactAttempt.objects.exists()


def test_logging_through_the_page(cast, client, case):
    client.force_login(cast.social_worker)
    response = client.post(
        reverse("attempt_new", args=[case.pk]),
        {
            "channel": "sms",
            "outcome": "delivered",
            "moment": "2026-11-02T09:30",
        },
    )
    assert response.status_code == 302
    assert ContactAttempt.objects.get().channel == "sms"


def test_partner_block_only_where_the_agreement_allows(cast, case, template):
    letter = outreach.render_letter(
        template, case, appointment="dinsdag 10 uur", partner=cast.partner
    )
    assert letter.partner is not None and letter.partner.name == "Buurthuis De Brug"
    assert "dinsdag 10 uur" in letter.text
    assert "Maria Janssens" in letter.text
    no_naming = outreach.render_letter(template, case, partner=cast.other_partner)
    assert no_naming.partner is None
    cast.ocmw.agreements_as_ocmw.update(may_be_named=False)
    assert outreach.render_letter(template, case, partner=cast.partner).partner is None


def test_print_and_pdf_output(cast, client, case, template):
    client.force_login(cast.social_worker)
    query = f"?template={template.pk}&appointment=dinsdag&partner={cast.partner.pk}"
    page = client.get(reverse("letter_print", args=[case.pk]) + query).content.decode()
    assert "data-partner-block" in page and "size: A4" in page
    pdf = client.get(reverse("letter_pdf", args=[case.pk]) + query)
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(__import__("io").BytesIO(pdf.content))
    text = reader.pages[0].extract_text()
    assert "Maria Janssens" in text and "Buurthuis De Brug" in text
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4
    template.kind = "card"
    template.save()
    card = client.get(reverse("letter_pdf", args=[case.pk]) + query)
    width = float(PdfReader(__import__("io").BytesIO(card.content)).pages[0].mediabox.width)
    assert round(width / 72 * 25.4) == 105  # A6
    page = client.get(reverse("letter_print", args=[case.pk]) + query).content.decode()
    assert "size: A6" in page


def test_pdf_without_an_allowed_partner_has_no_block(cast, client, case, template):
    client.force_login(cast.social_worker)
    query = f"?template={template.pk}&partner={cast.other_partner.pk}"
    response = client.get(reverse("letter_pdf", args=[case.pk]) + query)
    # The other partner is not even offered: the form refuses it, so no letter.
    assert response.status_code == 404


def test_marking_a_letter_sent_logs_the_attempt_with_its_variant(cast, client, case, template):
    client.force_login(cast.social_worker)
    client.post(reverse("letter_sent", args=[case.pk, template.pk]), {"in_envelope": "on"})
    attempt = ContactAttempt.objects.get()
    assert (attempt.channel, attempt.with_logo, attempt.in_envelope, attempt.template) == (
        "letter",
        False,
        True,
        template,
    )


def test_only_coordinators_edit_templates(cast, client):
    client.force_login(cast.social_worker)
    assert client.get(reverse("letter_templates")).status_code == 403
    client.force_login(cast.partner_admin)
    assert client.get(reverse("letter_templates")).status_code == 404
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("letter_template_new"),
        {
            "kind": "card",
            "name": "Kaartje",
            "body": "Dag {client}",
            "with_logo": "",
        },
    )
    assert response.status_code == 302
    assert LetterTemplate.objects.get().ocmw == cast.ocmw


def test_proof_of_outreach_lists_every_attempt(cast, client, case):
    outreach.log_attempt(
        case, actor=cast.social_worker, channel="letter", outcome="delivered", in_envelope=True
    )
    outreach.log_attempt(case, actor=cast.social_worker, channel="phone", outcome="no_answer")
    client.force_login(cast.coordinator)
    page = client.get(reverse("outreach_proof", args=[case.pk])).content.decode()
    assert page.count("<tr>") == 3  # header + two attempts


# Home visits -----------------------------------------------------------------------


def _visit(cast, case, *, minutes_ago_end=60):
    now = timezone.now()
    return outreach.plan_visit(
        case,
        actor=cast.social_worker,
        start=now - timedelta(hours=2),
        end=now - timedelta(minutes=minutes_ago_end),
        announced=False,
    )


def test_check_in_and_out_records_the_visit_as_an_attempt(cast, case):
    visit = _visit(cast, case, minutes_ago_end=-60)
    outreach.check_in(visit, actor=cast.social_worker)
    visit = outreach.check_out(visit, actor=cast.social_worker, outcome="reached")
    assert visit.status == HomeVisit.Status.DONE
    assert visit.attempt.channel == "visit_unannounced"
    case.refresh_from_db()
    assert case.reached_at is not None


def test_only_the_visiting_workers_check_in(cast, case):
    visit = _visit(cast, case, minutes_ago_end=-60)
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
        outreach.check_in(visit, actor=cast.coordinator)


def test_overdue_visits_raise_exactly_one_alert_each(cast, case):
    fixed = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.get_current_timezone())
    start = fixed - timedelta(hours=2)
    visit = outreach.plan_visit(
        case,
        actor=cast.social_worker,
        start=start,
        end=fixed - timedelta(minutes=20),
        announced=True,
    )
    assert outreach.alert_overdue_visits(now=fixed) == 0  # still in the grace period
    later = fixed + timedelta(minutes=15)
    assert outreach.alert_overdue_visits(now=later) == 1
    assert outreach.alert_overdue_visits(now=later + timedelta(hours=1)) == 0
    alerts = Notification.objects.filter(kind="visit.overdue")
    assert {a.recipient for a in alerts} == {cast.coordinator}  # the team, not the worker
    visit.refresh_from_db()
    assert visit.alerted_at == later


def test_checked_out_visits_never_alert(cast, case):
    visit = _visit(cast, case, minutes_ago_end=-10)
    outreach.check_out(visit, actor=cast.social_worker, outcome="no_answer")
    assert outreach.alert_overdue_visits(now=timezone.now() + timedelta(days=1)) == 0


def test_board_shows_who_is_out(cast, client, case):
    _visit(cast, case, minutes_ago_end=-30)
    client.force_login(cast.coordinator)
    page = client.get(reverse("visit_board")).content.decode()
    assert escape(cast.social_worker.full_name) in page  # names may hold an apostrophe
    client.force_login(cast.partner_worker)
    assert client.get(reverse("visit_board")).status_code == 404


def test_partner_sees_only_that_it_helped(cast, client, case):
    outreach.log_attempt(
        case,
        actor=cast.social_worker,
        channel="via_partner",
        outcome="reached",
        partner=cast.partner,
        note="ZZGEHEIM",
    )
    client.force_login(cast.partner_worker)
    page = client.get("/dashboard/").content.decode()
    assert 'data-role="helped"' in page
    assert "ZZGEHEIM" not in page
    client.force_login(cast.other_partner_worker)
    assert 'data-role="helped"' not in client.get("/dashboard/").content.decode()


def test_an_attempt_through_a_partner_needs_an_active_agreement(cast, case):
    with pytest.raises(ActionRefused):
        outreach.log_attempt(
            case,
            actor=cast.social_worker,
            channel="via_partner",
            outcome="reached",
            partner=cast.other_partner,
        )
    cast.ocmw.agreements_as_ocmw.update(confirmed_at=None)  # only proposed
    with pytest.raises(ActionRefused):
        outreach.log_attempt(
            case,
            actor=cast.social_worker,
            channel="via_partner",
            outcome="reached",
            partner=cast.partner,
        )
    assert not ContactAttempt.objects.exists()
