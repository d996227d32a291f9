from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from portal.core.exceptions import ActionRefused
from portal.core.models import Notification
from referrals.referrals import services
from referrals.referrals.models import Referral, TimelineEntry

pytestmark = pytest.mark.django_db
S = Referral.Status


def _ack(referral, actor):
    return services.acknowledge_referral(referral, actor=actor, version=referral.version)


def test_full_closed_loop(cast, referral):
    r = _ack(referral, cast.social_worker)
    assert r.status == S.ACKNOWLEDGED
    r = services.assign_referral(
        r, actor=cast.coordinator, worker=cast.social_worker, version=r.version
    )
    r = services.record_contact(r, actor=cast.social_worker, version=r.version, message="Gebeld")
    assert r.status == S.CONTACT_MADE
    at = timezone.now() + timedelta(days=3)
    r = services.plan_appointment(
        r, actor=cast.social_worker, version=r.version, at=at, place="Sociaal Huis, loket 3"
    )
    assert r.status == S.APPOINTMENT
    r = services.close_referral(r, actor=cast.social_worker, version=r.version, outcome="helped")
    assert r.status == S.CLOSED
    assert r.closed_at is not None
    actions = list(r.timeline.values_list("action", flat=True))
    # The private contact note is its own entry, hidden from the referrer.
    assert actions == [
        "create",
        "submit",
        "acknowledge",
        "assign",
        "record_contact",
        "message",
        "plan_appointment",
        "close",
    ]
    # The referrer heard of every status step.
    assert Notification.objects.filter(recipient=cast.partner_worker).count() == 4


def test_contact_notes_stay_with_the_ocmw_unless_shared(cast, referral):
    r = _ack(referral, cast.social_worker)
    services.record_contact(r, actor=cast.social_worker, version=r.version, message="Intern")
    shared = r.timeline.filter(visible_to_referrer=True).values_list("message", flat=True)
    assert "Intern" not in list(shared)


IMPOSSIBLE = [
    # (action, status the referral is in)
    ("acknowledge", S.ACKNOWLEDGED),
    ("acknowledge", S.CLOSED),
    ("record_contact", S.SUBMITTED),
    ("record_contact", S.CONTACT_MADE),
    ("plan_appointment", S.SUBMITTED),
    ("plan_appointment", S.CLOSED),
    ("close", S.SUBMITTED),
    ("close", S.CLOSED),
    ("refuse", S.CONTACT_MADE),
    ("refuse", S.WITHDRAWN),
    ("transfer", S.APPOINTMENT),
    ("transfer", S.CLOSED),
    ("withdraw", S.CLOSED),
    ("withdraw", S.EXPIRED),
    ("submit", S.SUBMITTED),
]


def _call(action, referral, cast):
    v = referral.version
    calls = {
        "acknowledge": lambda: services.acknowledge_referral(
            referral, actor=cast.social_worker, version=v
        ),
        "record_contact": lambda: services.record_contact(
            referral, actor=cast.social_worker, version=v
        ),
        "plan_appointment": lambda: services.plan_appointment(
            referral,
            actor=cast.social_worker,
            version=v,
            at=timezone.now() + timedelta(days=1),
            place="x",
        ),
        "close": lambda: services.close_referral(
            referral, actor=cast.social_worker, version=v, outcome="helped"
        ),
        "refuse": lambda: services.refuse_referral(
            referral, actor=cast.social_worker, version=v, reason="not_our_service"
        ),
        "transfer": lambda: services.transfer_referral(
            referral, actor=cast.social_worker, version=v, to_team=cast.teams.onthaal
        ),
        "withdraw": lambda: services.withdraw_referral(
            referral, actor=cast.partner_worker, version=v
        ),
        "submit": lambda: services.submit_referral(referral, actor=cast.partner_worker, version=v),
    }
    return calls[action]()


@pytest.mark.parametrize(("action", "status"), IMPOSSIBLE)
def test_state_machine_refuses_impossible_transitions(cast, referral, action, status):
    Referral.objects.filter(pk=referral.pk).update(status=status)
    referral.refresh_from_db()
    before = TimelineEntry.objects.count()
    with pytest.raises(ActionRefused):
        _call(action, referral, cast)
    referral.refresh_from_db()
    assert referral.status == status
    assert TimelineEntry.objects.count() == before


def test_every_action_in_the_table_is_reachable_from_somewhere():
    reachable = {target for _sources, target in services.TRANSITIONS.values()} | {S.DRAFT}
    for sources, _target in services.TRANSITIONS.values():
        assert sources <= reachable


def test_second_writer_gets_a_conflict_and_nothing_is_lost(cast, referral):
    stale_version = referral.version
    _ack(referral, cast.social_worker)
    with pytest.raises(ActionRefused, match="iemand anders"):
        services.refuse_referral(
            referral, actor=cast.coordinator, version=stale_version, reason="not_our_service"
        )
    referral.refresh_from_db()
    assert referral.status == S.ACKNOWLEDGED


@pytest.mark.parametrize(
    "person",
    [
        "partner_worker",
        "other_social_worker",
        "onthaal_worker",
        "internal_worker",
        "org_admin",
        "outsider",
    ],
)
def test_only_the_receiving_team_works_the_referral(cast, referral, person):
    with pytest.raises(PermissionDenied):
        _ack(referral, getattr(cast, person))


def test_only_the_coordinator_assigns_others(cast, referral):
    r = _ack(referral, cast.social_worker)
    with pytest.raises(PermissionDenied):
        services.assign_referral(
            r, actor=cast.social_worker, worker=cast.coordinator, version=r.version
        )
    # A worker may take an unassigned referral themselves.
    r = services.assign_referral(
        r, actor=cast.social_worker, worker=cast.social_worker, version=r.version
    )
    assert r.assigned_to == cast.social_worker


def test_assignee_must_be_in_the_receiving_team(cast, referral):
    with pytest.raises(ActionRefused):
        services.assign_referral(
            referral, actor=cast.coordinator, worker=cast.onthaal_worker, version=referral.version
        )


def test_not_our_area_must_be_a_transfer(cast, referral):
    with pytest.raises(ActionRefused, match="door"):
        services.refuse_referral(
            referral, actor=cast.social_worker, version=referral.version, reason="not_our_area"
        )


def test_transfer_moves_visibility_to_the_new_team(cast, referral):
    services.transfer_referral(
        referral,
        actor=cast.social_worker,
        version=referral.version,
        to_team=cast.teams.other_watercel,
    )
    assert Referral.objects.visible_to(cast.other_social_worker).filter(pk=referral.pk).exists()
    assert not Referral.objects.visible_to(cast.social_worker).filter(pk=referral.pk).exists()
    assert Referral.objects.visible_to(cast.partner_worker).filter(pk=referral.pk).exists()


def test_withdrawal_by_the_referrer_tells_the_ocmw(cast, referral):
    services.withdraw_referral(referral, actor=cast.partner_worker, version=referral.version)
    referral.refresh_from_db()
    assert referral.status == S.WITHDRAWN
    assert Notification.objects.filter(recipient=cast.social_worker, kind="referral.news").exists()


def test_withdrawn_consent_stops_feedback_and_tells_the_ocmw(cast, referral):
    services.withdraw_consent(referral, actor=cast.partner_worker, version=referral.version)
    before = Notification.objects.filter(recipient=cast.partner_worker).count()
    referral.refresh_from_db()
    _ack(referral, cast.social_worker)
    assert Notification.objects.filter(recipient=cast.partner_worker).count() == before
    assert Notification.objects.filter(
        recipient=cast.social_worker, text__contains="toestemming"
    ).exists()


def test_feedback_level_none_means_no_status_news(cast, make_referral):
    from tests.referrals.conftest import CONSENT

    referral = make_referral(consent={**CONSENT, "feedback": "none"})
    _ack(referral, cast.social_worker)
    assert not Notification.objects.filter(recipient=cast.partner_worker).exists()


def test_timeline_is_append_only(referral):
    entry = referral.timeline.first()
    entry.message = "herschreven"
    with pytest.raises(RuntimeError):
        entry.save()
