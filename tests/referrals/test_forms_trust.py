"""The portal's forms refuse what cannot be right, on the pages themselves: no answer
chosen for the worker, no date a century off, no amount that vanishes, no phone number
that is not one, no text cut without a word, and a confirmation that says what happened."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from partners.models import Organisation
from portal.core.exceptions import ActionRefused
from referrals.cases import services as cases
from referrals.cases.models import ArrearsRecord, LacSession
from referrals.outreach import services as outreach
from referrals.outreach.models import AttemptTally, ContactAttempt, HomeVisit
from referrals.referrals import services
from referrals.referrals.models import Client, Referral

Channel = ContactAttempt.Channel
pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast, referral):
    r = services.acknowledge_referral(referral, actor=cast.social_worker, version=referral.version)
    return cases.open_case_from_referral(r, actor=cast.social_worker)


@pytest.fixture
def visit(cast, case):
    now = timezone.now()
    visit = outreach.plan_visit(
        case, actor=cast.social_worker, start=now, end=now + timedelta(hours=1), announced=True
    )
    return outreach.check_in(visit, actor=cast.social_worker)


def _text(response) -> str:
    return response.content.decode()


# 1. A required choice starts empty and must be made -------------------------------


def test_checking_out_without_a_result_is_refused_and_creates_nothing(cast, client, visit):
    client.force_login(cast.social_worker)
    url = reverse("visit_action", args=[visit.pk, "check-out"])
    response = client.post(url, {"outcome": "", "note": ""})
    assert response.status_code == 400
    with translation.override("nl"):  # the worker's language
        assert gettext("Choose the result of the visit.") in _text(response)
    assert "data-error-summary" in _text(response)
    visit.refresh_from_db()
    assert visit.status == HomeVisit.Status.ON_SITE and visit.attempt is None
    assert not ContactAttempt.objects.exists() and not AttemptTally.objects.exists()


def test_the_check_out_form_starts_without_a_result(cast, client, visit):
    client.force_login(cast.social_worker)
    form = client.get(reverse("visit_detail", args=[visit.pk])).context["checkout_form"]
    assert form["outcome"].value() is None
    assert next(iter(form.fields["outcome"].choices))[0] == ""


def test_checking_out_with_a_result_says_what_was_logged(cast, client, visit):
    client.force_login(cast.social_worker)
    url = reverse("visit_action", args=[visit.pk, "check-out"])
    response = client.post(url, {"outcome": "reached"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    visit.refresh_from_db()
    assert visit.status == HomeVisit.Status.DONE and visit.attempt.outcome == "reached"
    message = next(str(m) for m in response.context["messages"])
    assert visit.address in message and message != "Saved."


def test_an_empty_contact_attempt_is_refused_and_creates_nothing(cast, client, case):
    client.force_login(cast.social_worker)
    response = client.post(
        reverse("attempt_new", args=[case.pk]),
        {"channel": "", "outcome": "", "moment": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"channel", "outcome"}
    assert 'href="#id_channel"' in _text(response) and 'href="#id_outcome"' in _text(response)
    assert not ContactAttempt.objects.exists() and not AttemptTally.objects.exists()


def test_the_attempt_form_starts_without_channel_or_result(cast, client, case):
    client.force_login(cast.social_worker)
    form = client.get(reverse("attempt_new", args=[case.pk])).context["form"]
    for name in ("channel", "outcome"):
        assert form[name].value() is None
        assert next(iter(form.fields[name].choices))[0] == ""


def test_a_logged_attempt_is_confirmed_with_what_was_logged(cast, client, case):
    client.force_login(cast.social_worker)
    response = client.post(
        reverse("attempt_new", args=[case.pk]),
        {
            "channel": "sms",
            "outcome": "delivered",
            "moment": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    message = next(str(m) for m in response.context["messages"])
    with translation.override("nl"):
        assert case.reference in message and str(Channel.SMS.label).lower() in message


def test_a_lac_decision_is_not_made_for_the_worker(cast, client, case):
    from referrals.cases.forms import DecisionForm

    form = DecisionForm(prefix="d1", initial={"version": 1})
    assert form["decision"].value() is None
    assert next(iter(form.fields["decision"].choices))[0] == ""


# 3. Plausible dates ------------------------------------------------------------------


def test_a_contact_attempt_in_1900_is_refused(cast, client, case):
    client.force_login(cast.social_worker)
    response = client.post(
        reverse("attempt_new", args=[case.pk]),
        {"channel": "phone", "outcome": "no_answer", "moment": "1900-01-01T10:00"},
    )
    assert "moment" in response.context["form"].errors
    assert not ContactAttempt.objects.exists()


def test_a_contact_attempt_tomorrow_is_refused(cast, client, case):
    client.force_login(cast.social_worker)
    tomorrow = timezone.localtime() + timedelta(days=1)
    response = client.post(
        reverse("attempt_new", args=[case.pk]),
        {"channel": "phone", "outcome": "no_answer", "moment": tomorrow.strftime("%Y-%m-%dT%H:%M")},
    )
    assert "moment" in response.context["form"].errors


@pytest.mark.parametrize("day", ["1900-03-01", "2999-03-01"])
def test_a_lac_session_decades_off_is_refused(cast, client, day):
    client.force_login(cast.coordinator)
    response = client.post(reverse("lac_sessions"), {"on": day, "escalate_days_before": 7})
    assert response.status_code == 200
    assert "on" in response.context["form"].errors
    assert not LacSession.objects.exists()


def test_a_lac_session_next_month_is_planned(cast, client):
    client.force_login(cast.coordinator)
    day = timezone.localdate() + timedelta(days=30)
    client.post(reverse("lac_sessions"), {"on": day.isoformat(), "escalate_days_before": 7})
    assert LacSession.objects.filter(date=day).exists()


def _referral_post(cast, **overrides):
    data = {
        "client-full_name": "Maria Janssens",
        "client-street": "Stationsstraat 1",
        "client-postcode": cast.postcode.pk,
        "client-phone": "0470 12 34 56",
        "client-language": "nl",
        "client-preferred_channel": "phone",
        "referral-team": cast.teams.partner.pk,
        "referral-reason": "water",
        "referral-description": "Brief van de watermaatschappij.",
        "referral-contact_via": "direct",
        "consent-share_details": "on",
        "consent-ocmw_may_contact": "on",
        "consent-feedback": "status",
        "consent-method": "spoken",
        "consent-given_by": "Maria Janssens",
        "submit": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_lac_date_in_2999_on_a_referral_is_refused(cast, client):
    client.force_login(cast.partner_worker)
    before = Referral.objects.count()
    response = client.post(
        reverse("referral_new"),
        _referral_post(cast, **{"referral-lac_session_date": "2999-01-01"}),
    )
    assert response.status_code == 200
    assert "lac_session_date" in response.context["referral_form"].errors
    assert Referral.objects.count() == before


# 5. Phone numbers ---------------------------------------------------------------------


def test_a_phone_abc_is_refused_on_the_referral_form(cast, client):
    client.force_login(cast.partner_worker)
    before = Referral.objects.count()
    response = client.post(reverse("referral_new"), _referral_post(cast, **{"client-phone": "abc"}))
    assert "phone" in response.context["client_form"].errors
    assert 'href="#id_client-phone"' in _text(response)
    assert Referral.objects.count() == before


def test_a_phone_is_stored_in_one_format(cast, client):
    client.force_login(cast.partner_worker)
    response = client.post(
        reverse("referral_new"), _referral_post(cast, **{"client-phone": "0032 470 65 43 21"})
    )
    assert response.status_code == 302
    assert Client.objects.filter(phone="+32 470 65 43 21").exists()


def test_the_referral_form_asks_every_choice(cast, client):
    client.force_login(cast.partner_worker)
    before = Referral.objects.count()
    response = client.post(
        reverse("referral_new"),
        _referral_post(
            cast,
            **{
                "client-language": None,
                "client-preferred_channel": None,
                "referral-contact_via": None,
                "consent-feedback": None,
            },
        ),
    )
    assert set(response.context["client_form"].errors) == {"language", "preferred_channel"}
    assert set(response.context["referral_form"].errors) == {"contact_via"}
    assert set(response.context["consent_form"].errors) == {"feedback"}
    # One summary for the three parts, at the top, linking down to each.
    text = _text(response)
    assert text.count("data-error-summary") == 1
    assert 'href="#id_consent-feedback_0"' in text
    assert Referral.objects.count() == before


def test_a_sent_referral_says_to_which_team(cast, client):
    client.force_login(cast.partner_worker)
    response = client.post(
        reverse("referral_new"), _referral_post(cast), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    referral = Referral.objects.latest("pk")
    message = next(str(m) for m in response.context["messages"])
    assert referral.reference in message
    assert referral.receiving_team.name in message and referral.receiving_ocmw.name in message


# 4. Amounts -------------------------------------------------------------------------


def _arrears_form(amount: str, version: str = "") -> dict:
    farys = Organisation.objects.get(name="Farys")
    return {
        "water_company": farys.pk,
        "customer_number": "FA-1",
        "amount_outstanding": amount,
        "justification_note": "",
        "version": version,
    }


@pytest.mark.parametrize(("typed", "stored"), [("412,50", "412.50"), ("1.234,56", "1234.56")])
def test_the_arrears_amount_is_kept_in_its_edit_form(cast, client, case, typed, stored):
    client.force_login(cast.social_worker)
    url = reverse("arrears_edit", args=[case.pk])
    assert client.post(url, _arrears_form(typed)).status_code == 302
    assert ArrearsRecord.objects.get(case=case).amount_outstanding == Decimal(stored)
    page = _text(client.get(url))
    field = (
        page.split('name="amount_outstanding"')[0].rsplit("<input", 1)[1]
        + page.split('name="amount_outstanding"')[1].split(">")[0]
    )
    assert 'type="text"' in field and 'inputmode="decimal"' in field
    assert f'value="{typed}"' in field


def test_negative_arrears_are_refused(cast, client, case):
    client.force_login(cast.social_worker)
    response = client.post(reverse("arrears_edit", args=[case.pk]), _arrears_form("-412,50"))
    assert response.status_code == 200
    assert "amount_outstanding" in response.context["form"].errors
    assert not ArrearsRecord.objects.filter(case=case).exists()


def test_a_negative_invoice_is_shown_again_with_its_error(cast, client, case):
    client.force_login(cast.social_worker)
    client.post(reverse("arrears_edit", args=[case.pk]), _arrears_form("100"))
    response = client.post(
        reverse("arrears_action", args=[case.pk, "invoice"]),
        {"invoice-number": "F1", "invoice-issued_on": "2026-01-05", "invoice-amount": "-5"},
    )
    assert response.status_code == 400
    assert "amount" in response.context["invoice_form"].errors
    assert response.context["invoice_form"]["amount"].value() == "-5"
    assert not ArrearsRecord.objects.get(case=case).invoices.exists()


def test_the_invoice_form_is_refused_to_who_may_not_change_arrears(cast, client, case):
    client.force_login(cast.internal_worker)
    response = client.post(reverse("arrears_action", args=[case.pk, "invoice"]), {})
    assert response.status_code == 404


# 6. No silent truncation ----------------------------------------------------------------


def test_a_long_note_is_refused_not_cut(cast, case):
    with pytest.raises(ActionRefused, match="300"):
        outreach.log_attempt(
            case, actor=cast.social_worker, channel="phone", outcome="no_answer", note="x" * 301
        )
    assert not ContactAttempt.objects.exists()


def test_a_long_note_on_the_page_keeps_what_was_typed(cast, client, case):
    client.force_login(cast.social_worker)
    note = "woord " * 60  # 360 characters
    response = client.post(
        reverse("attempt_new", args=[case.pk]),
        {
            "channel": "phone",
            "outcome": "no_answer",
            "moment": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "note": note,
        },
    )
    assert "note" in response.context["form"].errors
    assert response.context["form"]["note"].value() == note
    assert 'data-char-count="id_note"' in _text(response)


# The repair of what pre-picked answers wrote ---------------------------------------------


def test_find_prepicked_answers_lists_the_likely_rows_per_ocmw_and_changes_nothing(
    cast, case, visit
):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    for _ in range(2):
        outreach.log_attempt(case, actor=cast.social_worker, channel="letter", outcome="no_answer")
    outreach.log_attempt(case, actor=cast.social_worker, channel="phone", outcome="reached")
    outreach.log_attempt(
        case, actor=cast.social_worker, channel="letter", outcome="no_answer", note="echt"
    )
    outreach.check_out(visit, actor=cast.social_worker, outcome="no_answer")
    out = StringIO()
    call_command("find_prepicked_answers", stdout=out)
    text = out.getvalue()
    assert f"{cast.ocmw.name} (id {cast.ocmw.pk}): 3 to review" in text
    assert text.count("letter + no answer") == 2 and "within 120 s" in text
    assert f"visit {visit.pk}" in text
    assert ContactAttempt.objects.count() == 5  # 4 logged + the visit's
    with pytest.raises(CommandError):
        call_command("find_prepicked_answers", delete=True)


def test_find_prepicked_answers_says_when_nothing_is_found(cast, case):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("find_prepicked_answers", stdout=out)
    assert out.getvalue().strip() == "Nothing suspicious found."
