"""The referring partner hears what became of their referral: why it was not taken
on and what they can do next, and that the OCMW reached the client on its case."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from portal.core.models import Notification
from referrals.cases import services as cases
from referrals.outreach import services as outreach
from referrals.referrals import services
from referrals.referrals.models import REFUSAL_EXPLAINED, Referral, TimelineEntry
from tests.referrals.conftest import client_data

pytestmark = pytest.mark.django_db
S = Referral.Status


def _in(user, text) -> str:
    with translation.override(user.language):
        return str(text)


def _refuse(cast, referral, reason):
    return services.refuse_referral(
        referral, actor=cast.social_worker, version=referral.version, reason=reason
    )


def _case_for(cast, referral):
    return cases.open_case_from_referral(referral, actor=cast.social_worker)


def _attempt(cast, case, outcome="reached", channel="phone"):
    return outreach.log_attempt(case, actor=cast.social_worker, channel=channel, outcome=outcome)


def _status_news(user):
    return Notification.objects.filter(recipient=user, kind="referral.status")


# Not taken on -------------------------------------------------------------------------

REFUSABLE = ["not_our_service", "already_known", "incomplete"]


@pytest.mark.parametrize("reason", REFUSABLE)
def test_the_partner_reads_why_and_what_to_do_next_on_their_page(cast, client, referral, reason):
    _refuse(cast, referral, reason)
    why, next_step = REFUSAL_EXPLAINED[reason]
    client.force_login(cast.partner_worker)
    response = client.get(reverse("referral_detail", args=[referral.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-role="refusal-reason"' in html
    assert escape(_in(cast.partner_worker, why)) in html
    assert escape(_in(cast.partner_worker, next_step)) in html


def test_not_our_service_points_to_the_directory(cast, client, referral):
    _refuse(cast, referral, "not_our_service")
    client.force_login(cast.partner_worker)
    response = client.get(reverse("referral_detail", args=[referral.pk]))
    assert f'href="{reverse("directory")}"' in response.content.decode()


def test_an_open_referral_shows_no_refusal(cast, client, referral):
    client.force_login(cast.partner_worker)
    response = client.get(reverse("referral_detail", args=[referral.pk]))
    assert 'data-role="refusal-reason"' not in response.content.decode()


def test_the_refusal_is_not_shown_when_the_client_wants_no_feedback(cast, client, referral):
    services.withdraw_consent(referral, actor=cast.partner_worker, version=referral.version)
    referral.refresh_from_db()
    _refuse(cast, referral, "already_known")
    client.force_login(cast.partner_worker)
    response = client.get(reverse("referral_detail", args=[referral.pk]))
    html = response.content.decode()
    assert 'data-role="refusal-reason"' not in html
    assert not _status_news(cast.partner_worker).filter(text__contains=referral.reference)


def test_outsiders_still_get_404_for_a_refused_referral(cast, client, referral):
    _refuse(cast, referral, "incomplete")
    client.force_login(cast.outsider)
    assert client.get(reverse("referral_detail", args=[referral.pk])).status_code == 404


@pytest.mark.parametrize("reason", REFUSABLE)
def test_the_refusal_notification_names_the_reason_and_the_next_step(cast, referral, reason):
    _refuse(cast, referral, reason)
    why, next_step = REFUSAL_EXPLAINED[reason]
    (note,) = _status_news(cast.partner_worker).filter(text__contains=referral.reference)
    # Only the reference and the two sentences: nothing of the OCMW's note or any case.
    with translation.override(cast.partner_worker.language):
        expected = "Referral %(ref)s was not taken on. %(why)s %(next_step)s"
        assert note.text == translation.gettext(expected) % {
            "ref": referral.reference,
            "why": str(why),
            "next_step": str(next_step),
        }


def test_the_refusal_reaches_the_partner_by_e_mail_in_their_language(
    cast, referral, mailoutbox, django_capture_on_commit_callbacks
):
    cast.partner_worker.language = "fr"
    cast.partner_worker.save(update_fields=["language"])
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        _refuse(cast, referral, "already_known")
    why, next_step = REFUSAL_EXPLAINED["already_known"]
    (message,) = [m for m in mailoutbox if m.to == [cast.partner_worker.email]]
    with translation.override("fr"):
        assert str(why) in message.body
        assert str(next_step) in message.body


def test_every_reason_is_explained():
    assert set(REFUSAL_EXPLAINED) == set(Referral.RefusalReason.values)


# Reached on the case ------------------------------------------------------------------


def test_reaching_the_client_on_the_case_moves_the_referral_on_its_own(
    cast, referral, mailoutbox, django_capture_on_commit_callbacks
):
    acknowledged = services.acknowledge_referral(
        referral, actor=cast.social_worker, version=referral.version
    )
    case = _case_for(cast, acknowledged)
    before = _status_news(cast.partner_worker).count()
    with django_capture_on_commit_callbacks(execute=True):
        attempt = _attempt(cast, case)
    referral.refresh_from_db()
    assert referral.status == S.CONTACT_MADE
    assert referral.first_contact_at == attempt.moment
    (entry,) = TimelineEntry.objects.filter(referral=referral, to_status=S.CONTACT_MADE)
    assert entry.action == "record_contact"
    assert entry.actor == cast.social_worker
    assert entry.visible_to_referrer
    assert entry.message == ""
    news = _status_news(cast.partner_worker).order_by("pk")
    assert news.count() == before + 1
    with translation.override(cast.partner_worker.language):
        expected = translation.gettext("The OCMW has made contact for referral %(ref)s.") % {
            "ref": referral.reference
        }
    assert news.last().text == expected
    assert [m for m in mailoutbox if m.to == [cast.partner_worker.email] and expected in m.body]


def test_a_referral_not_yet_acknowledged_moves_too(cast, referral):
    case = _case_for(cast, referral)
    assert referral.status == S.SUBMITTED
    _attempt(cast, case, outcome="client_came", channel="visit_announced")
    referral.refresh_from_db()
    assert referral.status == S.CONTACT_MADE


def test_an_appointment_on_the_case_counts_as_contact_made(cast, referral):
    # The attempt has no moment or place for the appointment the partner may come to.
    case = _case_for(cast, referral)
    _attempt(cast, case, outcome="appointment")
    referral.refresh_from_db()
    assert referral.status == S.CONTACT_MADE
    assert referral.appointment_at is None


def test_an_attempt_that_did_not_reach_the_client_changes_nothing(cast, referral):
    case = _case_for(cast, referral)
    version = referral.version
    before = _status_news(cast.partner_worker).count()
    _attempt(cast, case, outcome="no_answer")
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED
    assert referral.first_contact_at is None
    assert referral.version == version
    assert _status_news(cast.partner_worker).count() == before


def test_a_second_reaching_attempt_does_not_tell_the_partner_again(cast, referral):
    case = _case_for(cast, referral)
    _attempt(cast, case)
    referral.refresh_from_db()
    first_contact, news = referral.first_contact_at, _status_news(cast.partner_worker).count()
    _attempt(cast, case, outcome="client_came", channel="visit_announced")
    referral.refresh_from_db()
    assert referral.status == S.CONTACT_MADE
    assert referral.first_contact_at == first_contact
    assert _status_news(cast.partner_worker).count() == news
    assert TimelineEntry.objects.filter(referral=referral, action="record_contact").count() == 1


def test_every_waiting_referral_of_the_case_moves(cast, referral, make_referral):
    case = _case_for(cast, referral)
    # The same client referred again: the second referral joins the case on submission.
    again = make_referral(actor=cast.internal_worker, team=cast.teams.opbouw)
    assert case.referrals.filter(pk=again.pk).exists()
    _attempt(cast, case)
    for r in (referral, again):
        r.refresh_from_db()
        assert r.status == S.CONTACT_MADE


def test_closed_and_withdrawn_referrals_stay_as_they_are(cast, make_referral):
    closed = make_referral()
    closed = services.acknowledge_referral(closed, actor=cast.social_worker, version=closed.version)
    case = _case_for(cast, closed)
    closed = services.close_referral(
        closed, actor=cast.social_worker, version=closed.version, outcome="helped"
    )
    withdrawn = make_referral()
    assert case.referrals.filter(pk=withdrawn.pk).exists()
    withdrawn = services.withdraw_referral(
        withdrawn, actor=cast.partner_worker, version=withdrawn.version
    )
    news = _status_news(cast.partner_worker).count()
    _attempt(cast, case)
    closed.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (closed.status, withdrawn.status) == (S.CLOSED, S.WITHDRAWN)
    assert not TimelineEntry.objects.filter(
        referral__in=[closed, withdrawn], action="record_contact"
    ).exists()
    assert _status_news(cast.partner_worker).count() == news


def test_a_referral_passed_on_to_another_ocmw_is_not_moved(cast, referral):
    case = _case_for(cast, referral)
    services.transfer_referral(
        referral, actor=cast.social_worker, version=referral.version,
        to_team=cast.teams.other_watercel,
    )  # fmt: skip
    _attempt(cast, case)
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED


def test_a_referral_of_another_client_is_not_moved(cast, referral, make_referral):
    case = _case_for(cast, referral)
    other = make_referral(client=client_data(cast, full_name="Jan Peeters", street="Kerkstraat 9"))
    _attempt(cast, case)
    other.refresh_from_db()
    assert other.status == S.SUBMITTED
