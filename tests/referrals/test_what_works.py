"""The what-works report against a small data set computed by hand."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import cases, services
from referrals.models import ContactAttempt
from referrals.what_works import what_works
from tests.referrals.conftest import client_data

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def _case(cast, make_referral, name):
    r = make_referral(client=client_data(cast, full_name=name))
    r = services.acknowledge_referral(r, actor=cast.social_worker, version=r.version)
    return cases.open_case_from_referral(r, actor=cast.social_worker)


def _attempt(case, cast, channel, outcome, when, **variant):
    return ContactAttempt.objects.create(
        case=case,
        ocmw=case.ocmw,
        channel=channel,
        outcome=outcome,
        moment=when,
        worker=cast.social_worker,
        **variant,
    )


@pytest.fixture
def data(cast, make_referral):
    a, b, c = (_case(cast, make_referral, n) for n in ("Anna", "Bert", "Cas"))
    monday_10 = datetime(2026, 10, 5, 10, 0, tzinfo=TZ)  # a Monday morning
    tuesday_15 = datetime(2026, 10, 6, 15, 0, tzinfo=TZ)  # a Tuesday afternoon
    monday_19 = datetime(2026, 10, 12, 19, 0, tzinfo=TZ)  # a Monday evening
    # Letters: 3 tries, 1 reached (with logo: 2 tries, 0 reached; without: 1 try, 1 reached)
    _attempt(a, cast, "letter", "delivered", monday_10, with_logo=True, in_envelope=True)
    _attempt(b, cast, "letter", "delivered", monday_10, with_logo=True, in_envelope=True)
    _attempt(c, cast, "letter", "reached", tuesday_15, with_logo=False, in_envelope=True)
    # Phone: 4 tries, 2 reached
    _attempt(a, cast, "phone", "no_answer", monday_10)
    _attempt(a, cast, "phone", "reached", tuesday_15)
    _attempt(b, cast, "phone", "wrong_number", monday_19)
    _attempt(b, cast, "phone", "appointment", monday_19)
    # Visits: announced 1/1, unannounced 0/1; via partner 1/1
    _attempt(c, cast, "visit_announced", "reached", tuesday_15)
    _attempt(c, cast, "visit_unannounced", "no_answer", monday_19)
    _attempt(a, cast, "via_partner", "client_came", tuesday_15, partner=cast.partner)
    # Outside the period: ignored.
    _attempt(a, cast, "phone", "reached", datetime(2025, 1, 1, 10, tzinfo=TZ))
    return a, b, c


def _by(rates):
    return {r.label: (r.attempts, r.reached) for r in rates}


def test_report_matches_the_hand_count(cast, data):
    report = what_works(cast.ocmw, start=date(2026, 10, 1), end=date(2026, 11, 1))
    # Reached = reached, appointment made or client came: 1 letter, 2 calls, 1 announced
    # visit and 1 through the partner.
    assert (report["total"].attempts, report["total"].reached) == (10, 5)
    channels = _by(report["by_channel"])
    label = {code: str(name) for code, name in ContactAttempt.Channel.choices}
    assert channels[label["letter"]] == (3, 1)
    assert channels[label["phone"]] == (4, 2)
    assert channels[label["visit_announced"]] == (1, 1)
    assert channels[label["via_partner"]] == (1, 1)
    assert _by(report["variants"]["with_logo"]) == {"nee": (1, 1), "ja": (2, 0)}
    weekdays = {r.label: (r.attempts, r.reached) for r in report["by_weekday"]}
    assert weekdays == {"maandag": (6, 1), "dinsdag": (4, 4)}
    slots = [(r.attempts, r.reached) for r in report["by_slot"]]
    assert slots == [(3, 0), (4, 4), (3, 1)]  # morning, afternoon, evening
    partner, direct = report["via_partner"]
    assert (partner.attempts, partner.reached, direct.attempts, direct.reached) == (1, 1, 9, 4)
    visits = [(r.attempts, r.reached) for r in report["visits"]]
    assert visits == [(1, 1), (1, 0)]


def test_rates_carry_their_counts(cast, data):
    report = what_works(cast.ocmw, start=date(2026, 10, 1), end=date(2026, 11, 1))
    assert report["total"].percent == 50


def test_cases_reached_before_their_lac_session(cast, data):
    a, b, _c = data
    session = cases.plan_lac_session(cast.ocmw, actor=cast.social_worker, on=date(2026, 10, 20))
    for case in data:
        cases.add_to_agenda(session, case, actor=cast.social_worker)
    cases.mark_reached(a, actor=cast.social_worker)  # reached today: after the session
    b.reached_at = datetime(2026, 10, 12, 19, tzinfo=TZ)
    b.save(update_fields=["reached_at"])
    report = what_works(cast.ocmw, start=date(2026, 10, 1), end=date(2026, 11, 1))
    assert (report["before_lac"].attempts, report["before_lac"].reached) == (3, 1)


def test_another_ocmw_sees_none_of_it(cast, data):
    report = what_works(cast.other_ocmw, start=date(2026, 10, 1), end=date(2026, 11, 1))
    assert report["total"].attempts == 0


def test_page_and_csv(cast, client, data):
    client.force_login(cast.coordinator)
    query = {"start": "2026-10-01", "end": "2026-11-01"}
    page = client.get(reverse("what_works"), query).content.decode()
    assert "50%" in page
    csv = client.get(reverse("what_works_csv"), query).content.decode()
    assert csv.splitlines()[1] == "total;Alle pogingen;10;5;0.500"


@pytest.mark.parametrize("person", ["partner_worker", "internal_worker", "onthaal_worker"])
def test_report_is_not_for_others(cast, client, person):
    client.force_login(getattr(cast, person))
    assert client.get(reverse("what_works")).status_code == 404
    assert client.get(reverse("what_works_csv")).status_code == 404


def test_bad_period_is_explained(cast, client):
    client.force_login(cast.coordinator)
    response = client.get(reverse("what_works"), {"start": "2026-10-01", "end": "2026-09-01"})
    assert response.status_code == 200
    assert response.context["form"].errors
