from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from portal.core.exceptions import ActionRefused
from portal.core.models import Notification
from referrals.cases import services as cases
from referrals.cases.models import ArrearsRecord, Case, LacSession
from referrals.referrals import services
from tests.factories import MembershipFactory
from tests.referrals.conftest import client_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast, referral):
    r = services.acknowledge_referral(referral, actor=cast.social_worker, version=referral.version)
    return cases.open_case_from_referral(r, actor=cast.social_worker)


@pytest.fixture
def session(cast):
    return cases.plan_lac_session(
        cast.ocmw,
        actor=cast.coordinator,
        on=timezone.localdate() + timedelta(days=5),
        escalate_days_before=7,
    )


def test_a_second_referral_for_the_same_household_joins_the_case(cast, case, make_referral):
    second = make_referral(actor=cast.internal_worker, team=cast.teams.opbouw)
    assert set(case.referrals.all()) == {second, *case.referrals.exclude(pk=second.pk)}
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "person",
    [
        "partner_worker",
        "internal_worker",
        "onthaal_worker",
        "other_social_worker",
        "org_admin",
        "outsider",
    ],
)
def test_nobody_outside_the_arrears_team_can_write_arrears(cast, case, person):
    user = getattr(cast, person)
    with pytest.raises(PermissionDenied):
        cases.save_arrears(case, actor=user, version=None, changes={"customer_number": "x"})
    with pytest.raises(PermissionDenied):
        cases.mark_reached(case, actor=user, version=case.version)
    with pytest.raises(PermissionDenied):
        cases.plan_lac_session(cast.ocmw, actor=user, on=date(2027, 1, 1))


def test_organisation_admin_joining_the_arrears_team_is_refused(cast, case):
    with pytest.raises(ActionRefused):
        from partners.services import add_membership

        add_membership(cast.teams.watercel, cast.org_admin, actor=cast.org_admin)
    assert Case.objects.visible_to(cast.org_admin).count() == 0


def test_arrears_record_and_version_conflicts(cast, case):
    from partners.models import Organisation

    farys = Organisation.objects.get(name="Farys")
    record = cases.save_arrears(
        case,
        actor=cast.social_worker,
        version=None,
        changes={
            "water_company": farys,
            "customer_number": "FA-1",
            "amount_outstanding": Decimal("10"),
        },
    )
    with pytest.raises(ActionRefused):
        cases.save_arrears(
            case,
            actor=cast.coordinator,
            version=record.version + 5,
            changes={"amount_outstanding": Decimal("11")},
        )
    cases.save_arrears(
        case,
        actor=cast.coordinator,
        version=record.version,
        changes={"amount_outstanding": Decimal("12")},
    )
    assert ArrearsRecord.objects.get().amount_outstanding == Decimal("12")


def test_decisions_have_their_conditions(cast, case, session):
    from partners.models import Organisation

    cases.save_arrears(
        case,
        actor=cast.social_worker,
        version=None,
        changes={
            "water_company": Organisation.objects.get(name="Farys"),
            "customer_number": "FA-2",
            "amount_outstanding": Decimal("600"),
        },
    )
    item = cases.add_to_agenda(session, case, actor=cast.social_worker)
    with pytest.raises(ActionRefused):
        cases.record_decision(
            item,
            actor=cast.coordinator,
            version=item.version,
            decision="conditional",
            decided_on=session.date,
        )
    with pytest.raises(ActionRefused):
        cases.record_decision(
            item,
            actor=cast.coordinator,
            version=item.version,
            decision="disconnection",
            decided_on=session.date,
        )
    item = cases.record_decision(
        item,
        actor=cast.coordinator,
        version=item.version,
        decision="conditional",
        decided_on=session.date,
        plan={"total_amount": Decimal("600"), "instalments": 6, "start_date": session.date},
    )
    assert item.payment_plan.instalment_amount == Decimal("100.00")


def test_countdown_and_escalation_to_the_coordinator(cast, case, session):
    cases.add_to_agenda(session, case, actor=cast.social_worker)
    row = cases.next_session_countdown([cast.ocmw.pk])[0]
    assert (row["days_left"], row["on_agenda"], row["unreached"]) == (5, 1, 1)
    assert row["urgent"]
    assert cases.escalate_unreached() == 1
    assert cases.escalate_unreached() == 0  # once per session
    assert Notification.objects.filter(recipient=cast.coordinator, kind="lac.unreached").exists()
    assert not Notification.objects.filter(
        recipient=cast.social_worker, kind="lac.unreached"
    ).exists()
    cases.mark_reached(case, actor=cast.social_worker, version=case.version)
    assert cases.next_session_countdown([cast.ocmw.pk])[0]["unreached"] == 0


def test_dashboard_shows_the_countdown_only_to_the_arrears_team(cast, client, case, session):
    cases.add_to_agenda(session, case, actor=cast.social_worker)
    client.force_login(cast.social_worker)
    assert 'data-role="lac-countdown"' in client.get("/dashboard/").content.decode()
    for person in ("partner_worker", "internal_worker", "onthaal_worker"):
        client.force_login(getattr(cast, person))
        assert 'data-role="lac-countdown"' not in client.get("/dashboard/").content.decode()


@pytest.mark.parametrize("count", [2, 30])
def test_case_list_query_count_is_constant(
    cast, client, make_referral, count, django_assert_max_num_queries
):
    for i in range(count):
        r = make_referral(client=client_data(cast, full_name=f"Persoon {i}"))
        r = services.acknowledge_referral(r, actor=cast.social_worker, version=r.version)
        cases.open_case_from_referral(r, actor=cast.social_worker)
    client.force_login(cast.social_worker)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("case_list"))
    assert len(response.context["page"].items) == min(count, 25)


@pytest.mark.parametrize("count", [1, 15])
def test_session_list_query_count_is_constant(cast, client, count, django_assert_max_num_queries):
    for i in range(count):
        cases.plan_lac_session(
            cast.ocmw, actor=cast.coordinator, on=timezone.localdate() + timedelta(days=i + 1)
        )
    client.force_login(cast.social_worker)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("lac_sessions"))
    assert len(response.context["page"].items) == count


def test_walk_in_case_through_the_page(cast, client):
    client.force_login(cast.social_worker)
    response = client.post(
        reverse("case_new"),
        {
            "client-full_name": "Walter Wouters",
            "client-street": "Dorp 1",
            "client-postcode": cast.postcode.pk,
            "client-phone": "0470 00 00 00",
            "client-language": "nl",
            "client-preferred_channel": "phone",
        },
    )
    case = Case.objects.get()
    assert response.url == reverse("case_detail", args=[case.pk])
    assert case.origin == "walk_in"


def test_new_member_of_the_arrears_team_sees_the_cases(cast, case):
    from partners.grants import sync_user_grants

    newcomer = MembershipFactory(team=cast.teams.watercel).user
    sync_user_grants([newcomer.pk])
    assert Case.objects.visible_to(newcomer).count() == 1


def test_the_arrears_team_opens_the_case_from_the_referral(cast, client, referral):
    url = reverse("referral_open_case", args=[referral.pk])
    client.force_login(cast.social_worker)
    page = client.get(reverse("referral_detail", args=[referral.pk])).content.decode()
    assert url in page
    response = client.post(url)
    case = Case.objects.get()
    assert response.url == reverse("case_detail", args=[case.pk])
    assert client.post(url).url == response.url  # the same case the second time


@pytest.mark.parametrize("person", ["onthaal_worker", "partner_worker", "internal_worker"])
def test_nobody_else_sees_or_opens_the_case_from_a_referral(cast, client, make_referral, person):
    referral = make_referral(reason="other") if person == "onthaal_worker" else make_referral()
    url = reverse("referral_open_case", args=[referral.pk])
    client.force_login(getattr(cast, person))
    page = client.get(reverse("referral_detail", args=[referral.pk])).content.decode()
    assert url not in page
    assert client.post(url).status_code == 404
    assert not Case.objects.exists()


def test_coordinator_plans_a_session_through_the_page(cast, client):
    client.force_login(cast.coordinator)
    day = timezone.localdate() + timedelta(days=30)
    response = client.post(
        reverse("lac_sessions"), {"on": day.isoformat(), "escalate_days_before": 7}
    )
    session = LacSession.objects.get(ocmw=cast.ocmw, date=day)
    assert response.url == reverse("lac_session_detail", args=[session.pk])
    assert session.escalate_days_before == 7


def test_a_second_session_on_the_same_day_is_refused_on_the_form(cast, client):
    day = timezone.localdate() + timedelta(days=30)
    cases.plan_lac_session(cast.ocmw, actor=cast.coordinator, on=day)
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("lac_sessions"), {"on": day.isoformat(), "escalate_days_before": 7}
    )
    assert response.status_code == 200
    assert len(response.context["form"].non_field_errors()) == 1
    assert LacSession.objects.filter(ocmw=cast.ocmw, date=day).count() == 1


def _arrears_form(company, amount: str) -> dict:
    return {
        "water_company": company.pk,
        "customer_number": "FA-9",
        "amount_outstanding": amount,
        "justification_note": "",
    }


def test_two_workers_on_the_empty_arrears_form_cannot_both_save(cast, client, case):
    """Both open the empty form; one saves 100, the other 999: the second is a conflict,
    100 stands, and the second worker's typed 999 is still in the form."""
    from partners.models import Organisation

    farys = Organisation.objects.get(name="Farys")
    url = reverse("arrears_edit", args=[case.pk])
    client.force_login(cast.social_worker)
    assert client.post(url, _arrears_form(farys, "100")).status_code == 302
    client.force_login(cast.coordinator)
    response = client.post(url, _arrears_form(farys, "999"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert response.context["form"]["amount_outstanding"].value() == "999"
    meanwhile = response.context["form"].saved_meanwhile
    assert [(stored, typed) for _label, stored, typed in meanwhile] == [
        (Decimal("100.00"), Decimal("999"))
    ]
    assert "Intussen bewaard" in response.content.decode()
    assert ArrearsRecord.objects.get(case=case).amount_outstanding == Decimal("100")


def test_an_arrears_edit_without_its_version_is_refused(cast, case):
    from partners.models import Organisation

    changes = {
        "water_company": Organisation.objects.get(name="Farys"),
        "customer_number": "FA-8",
        "amount_outstanding": Decimal("10"),
    }
    cases.save_arrears(case, actor=cast.social_worker, version=None, changes=changes)
    with pytest.raises(ActionRefused):
        cases.save_arrears(
            case,
            actor=cast.coordinator,
            version=None,
            changes={**changes, "amount_outstanding": Decimal("999")},
        )
    assert ArrearsRecord.objects.get(case=case).amount_outstanding == Decimal("10")


def test_marking_reached_without_the_version_is_refused_on_the_page(cast, client, case):
    client.force_login(cast.social_worker)
    client.post(reverse("case_action", args=[case.pk, "reached"]))
    case.refresh_from_db()
    assert case.reached_at is None
    client.post(reverse("case_action", args=[case.pk, "reached"]), {"version": case.version})
    case.refresh_from_db()
    assert case.reached_at is not None


def test_withdrawing_consent_on_an_old_version_is_refused(cast, referral):
    from referrals.referrals.models import Referral

    stale = referral.version
    services.acknowledge_referral(referral, actor=cast.social_worker, version=stale)
    with pytest.raises(ActionRefused):
        services.withdraw_consent(
            Referral.objects.get(pk=referral.pk), actor=cast.partner_worker, version=stale
        )


def test_a_decision_on_an_old_version_of_the_agenda_item_is_refused(cast, case, session):
    item = cases.add_to_agenda(session, case, actor=cast.social_worker)
    stale = item.version
    cases.record_decision(
        item, actor=cast.coordinator, version=stale, decision="postponed", decided_on=session.date
    )
    with pytest.raises(ActionRefused):
        cases.record_decision(
            item,
            actor=cast.coordinator,
            version=stale,
            decision="no_action",
            decided_on=session.date,
        )
    item.refresh_from_db()
    assert item.decision == "postponed"


def test_marking_a_session_held_on_an_old_version_is_refused(cast, session):
    cases.mark_session_held(session, actor=cast.coordinator, version=1, members_present="A, B")
    with pytest.raises(ActionRefused):
        cases.mark_session_held(session, actor=cast.coordinator, version=1, members_present="C")
    session.refresh_from_db()
    assert session.members_present == "A, B"
