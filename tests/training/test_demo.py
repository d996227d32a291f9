"""The demo world has past and coming sessions, requests, registrations and attendance,
and seed_demo can run again without duplicating anything."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from partners.principal import as_principal
from portal.core.models import User
from training.models import (
    CoHost,
    Evaluation,
    Registration,
    Session,
    SessionRequest,
    Venue,
)

pytestmark = pytest.mark.django_db


def _snapshot():
    return tuple(
        model.objects.count()
        for model in (Venue, Session, CoHost, Registration, Evaluation, SessionRequest)
    )


def test_seed_is_idempotent_and_has_past_and_coming_sessions(capsys):
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first
    now = timezone.now()
    assert Session.objects.filter(starts_at__lt=now, status="held").count() == 2
    assert Session.objects.filter(starts_at__gt=now, status__in=["published", "full"]).exists()
    assert Session.objects.filter(status="held", people_reached__gt=0).count() == 2
    assert set(SessionRequest.objects.values_list("status", flat=True)) == {
        "open", "planned", "declined",
    }  # fmt: skip


def test_demo_sessions_respect_their_capacity():
    call_command("seed_demo")
    for session in Session.objects.exclude(status__in=["held", "cancelled"]):
        confirmed = Registration.objects.filter(session=session).confirmed_places()
        assert confirmed <= session.capacity, session
        waiting = Registration.objects.filter(session=session, status="waiting").exists()
        assert (session.status == "full") is (waiting or confirmed == session.capacity), session


def test_demo_accounts_see_what_the_readme_promises():
    call_command("seed_demo")
    partner = User.objects.get(email="partner@example.org")
    coordinator = User.objects.get(email="coordinator@example.org")
    aalst = Session.objects.filter(organisation__name="OCMW Aalst")
    draft = aalst.get(status="draft")
    assert draft in Session.objects.visible_to(coordinator)
    assert draft in Session.objects.visible_to(partner)  # De Brug co-hosts it
    assert (
        not Session.objects.visible_to(User.objects.get(email="kruidenier@example.org"))
        .filter(pk=draft.pk)
        .exists()
    )
    assert as_principal(coordinator).planning_organisation_ids
