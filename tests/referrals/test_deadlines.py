from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.core.models import Notification
from referrals.referrals import services
from referrals.referrals.models import Referral, ResponsePolicy

pytestmark = pytest.mark.django_db


def _aged(referral, days):
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=timezone.now() - timedelta(days=days)
    )


def test_working_days_skip_weekends():
    tz = timezone.get_current_timezone()
    friday = datetime(2026, 11, 27, 10, tzinfo=tz)
    assert services.working_days_between(friday, friday + timedelta(days=3)) == 1  # to Monday
    assert services.working_days_between(friday, friday + timedelta(days=7)) == 5


def test_reminder_then_escalation_then_expiry(cast, referral):
    ResponsePolicy.objects.create(
        ocmw=cast.ocmw, remind_after_days=1, escalate_after_days=3, expire_after_days=6
    )
    monday = datetime(2026, 11, 23, 10, tzinfo=timezone.get_current_timezone())
    Referral.objects.filter(pk=referral.pk).update(submitted_at=monday)

    assert services.process_deadlines(now=monday + timedelta(days=1))["reminded"] == 1
    assert services.process_deadlines(now=monday + timedelta(days=1))["reminded"] == 0  # once

    assert services.process_deadlines(now=monday + timedelta(days=3))["escalated"] == 1
    assert Notification.objects.filter(
        recipient=cast.coordinator, kind="referral.escalation"
    ).exists()
    assert not Notification.objects.filter(
        recipient=cast.social_worker, kind="referral.escalation"
    ).exists()

    # Six working days later is the Tuesday after (the weekend does not count).
    assert services.process_deadlines(now=monday + timedelta(days=7))["expired"] == 0
    assert services.process_deadlines(now=monday + timedelta(days=8))["expired"] == 1
    referral.refresh_from_db()
    assert referral.status == Referral.Status.EXPIRED
    assert referral.timeline.filter(action="expire", actor=None).exists()
    assert Notification.objects.filter(
        recipient=cast.partner_worker, text__contains=referral.reference
    ).exists()


def test_acknowledged_referrals_never_expire(cast, referral):
    services.acknowledge_referral(referral, actor=cast.social_worker, version=referral.version)
    _aged(referral, 60)
    assert services.process_deadlines()["expired"] == 0


def test_management_command_reports_counts(cast, referral, capsys):
    _aged(referral, 60)
    call_command("process_referral_deadlines")
    assert "1 expired" in capsys.readouterr().out
