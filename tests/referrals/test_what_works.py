"""The what-works report against a small data set computed by hand."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from referrals.cases import services as cases
from referrals.cases.models import Case
from referrals.outreach.models import AttemptTally, ContactAttempt
from referrals.outreach.services import log_attempt, rebuild_attempt_tallies
from referrals.outreach.what_works import what_works
from referrals.referrals import services
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
    rebuild_attempt_tallies()  # written straight to the table, so counted afterwards
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
    cases.mark_reached(
        a, actor=cast.social_worker, version=a.version
    )  # reached today: after the session
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


def test_the_attempts_are_read_once(cast, data, django_assert_num_queries):
    """One GROUP BY over the tallies for every breakdown, one for the first contacts
    and one for the LAC agendas: the cost of the report does not grow with the
    number of breakdowns, nor with the number of attempts."""
    with django_assert_num_queries(3):
        what_works(cast.ocmw, start=date(2026, 10, 1), end=date(2026, 11, 1))


def _tallies():
    return sorted(
        AttemptTally.objects.values_list(
            "ocmw", "day", "channel", "with_logo", "in_envelope", "mentions_cutoff", "slot"
        ).annotate(n=Sum("attempts"), r=Sum("reached"))
    )


def test_logging_an_attempt_counts_it_as_a_rebuild_would(cast, make_referral):
    a, b = (_case(cast, make_referral, n) for n in ("Anna", "Bert"))
    late_evening = datetime(2026, 10, 5, 23, 30, tzinfo=TZ)  # 21:30 UTC: still the 5th here
    for case, channel, outcome, when, variant in [
        (a, "letter", "delivered", late_evening, {"with_logo": False, "in_envelope": True}),
        (b, "letter", "reached", late_evening, {"with_logo": False, "in_envelope": True}),
        (a, "phone", "no_answer", datetime(2026, 10, 6, 9, tzinfo=TZ), {}),
        (a, "phone", "reached", datetime(2026, 10, 6, 9, tzinfo=TZ), {}),
    ]:
        log_attempt(
            case, actor=cast.social_worker, channel=channel, outcome=outcome, moment=when, **variant
        )
    logged = _tallies()
    assert (date(2026, 10, 5), "letter", "evening", 2, 1) in {
        (day, channel, slot, n, r) for _o, day, channel, *_v, slot, n, r in logged
    }
    assert rebuild_attempt_tallies() == 2
    assert _tallies() == logged
    report = what_works(cast.ocmw, start=date(2026, 10, 1), end=date(2026, 11, 1))
    assert (report["total"].attempts, report["total"].reached) == (4, 2)


def test_tallies_outlive_the_attempts_they_count(cast, make_referral):
    """Anonymous counts: when a case goes under the retention rules, the report of
    its period keeps its numbers."""
    case = _case(cast, make_referral, "Anna")
    when = datetime(2026, 10, 6, 9, tzinfo=TZ)
    log_attempt(case, actor=cast.social_worker, channel="phone", outcome="reached", moment=when)
    ContactAttempt.objects.filter(case=case).delete()
    report = what_works(cast.ocmw, start=date(2026, 10, 1), end=date(2026, 11, 1))
    assert (report["total"].attempts, report["total"].reached) == (1, 1)


def test_first_contact_is_counted_from_the_first_time_reached(cast, make_referral):
    case = _case(cast, make_referral, "Anna")
    opened = timezone.localtime(case.created_at) - timedelta(days=10)
    Case.objects.filter(pk=case.pk).update(created_at=opened)
    later = opened + timedelta(days=3)
    earlier = opened + timedelta(days=1)
    log_attempt(case, actor=cast.social_worker, channel="phone", outcome="reached", moment=later)
    case.refresh_from_db()
    assert (case.reached_at, case.status) == (later, "reached")
    # An earlier visit that reached the client, logged afterwards, moves "reached on" back.
    log_attempt(
        case, actor=cast.social_worker, channel="visit_announced", outcome="reached", moment=earlier
    )
    case.refresh_from_db()
    assert case.reached_at == earlier
    day = opened.date()
    report = what_works(cast.ocmw, start=day, end=day + timedelta(days=1))
    assert report["first_contact_days"] == {"cases": 1, "median": 1.0}


def test_the_migration_counts_existing_attempts_as_a_rebuild_does(cast, data):
    """The migration that introduced the tallies counts the attempts already logged
    (in SQL on PostgreSQL, in Python elsewhere) exactly as the service does."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("referrals.migrations.0007_attempt_tallies")
    expected = _tallies()
    AttemptTally.objects.all().delete()
    migration.count_existing_attempts(apps, SimpleNamespace(connection=connection))
    assert _tallies() == expected


def test_median_time_to_first_contact_over_several_cases(cast, make_referral):
    """The same median on every database (PostgreSQL computes it in SQL): with an
    even number of cases, halfway between the middle two."""
    opened = timezone.localtime() - timedelta(days=20)
    for name, days in (("Anna", 1), ("Bert", 2), ("Cas", 4), ("Dirk", 10)):
        case = _case(cast, make_referral, name)
        Case.objects.filter(pk=case.pk).update(
            created_at=opened, reached_at=opened + timedelta(days=days)
        )
    day = opened.date()
    report = what_works(cast.ocmw, start=day, end=day + timedelta(days=1))
    assert report["first_contact_days"] == {"cases": 4, "median": 3.0}
