"""A partner asks for a session at its venue; the coordinator plans it or declines."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.core.exceptions import ActionRefused
from portal.core.models import Notification
from training import services
from training.models import Session, SessionRequest

pytestmark = pytest.mark.django_db


def _ask(world, **changes):
    today = timezone.localdate()
    data = {
        "ocmw": world.ocmw,
        "venue": world.venues.partner,
        "topics": ["water_bill", "saving"],
        "audience": "residents",
        "preferred_from": today + timedelta(days=20),
        "preferred_until": today + timedelta(days=50),
        "preferred_moments": "dinsdagvoormiddag na de koffie",
        "expected_people": 12,
    }
    data.update(changes)
    return services.request_session(world.partner, actor=world.partner_worker, **data)


def test_partner_asks_and_the_planners_hear_of_it(world, client):
    client.force_login(world.partner_worker)
    today = timezone.localdate()
    response = client.post(
        reverse("session_request_create"),
        {"ocmw": world.ocmw.pk, "venue": world.venues.partner.pk, "topics": ["lac"],
         "audience": "residents", "preferred_from": today + timedelta(days=10),
         "preferred_until": today + timedelta(days=40), "expected_people": 8},
    )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    session_request = SessionRequest.objects.get()
    assert session_request.status == "open"
    told = Notification.objects.filter(kind="session_request.new")
    assert list(told.values_list("recipient", flat=True)) == [world.coordinator.pk]


def test_request_form_offers_only_ocmws_with_an_agreement_and_own_venues(world, client):
    client.force_login(world.partner_worker)
    form = client.get(reverse("session_request_create")).context["form"]
    assert list(form.fields["ocmw"].queryset) == [world.ocmw]
    assert list(form.fields["venue"].queryset) == [world.venues.partner]


def test_partner_without_agreement_cannot_ask(world, client):
    from django.core.exceptions import PermissionDenied

    client.force_login(world.other_partner_worker)
    page = client.get(reverse("session_request_create"))
    assert page.status_code == 200
    assert not page.context["has_ocmws"]
    with pytest.raises(PermissionDenied):
        services.request_session(
            world.other_partner, actor=world.other_partner_worker, ocmw=world.ocmw,
            topics=["lac"], audience="residents", preferred_from=timezone.localdate(),
            preferred_until=timezone.localdate(), expected_people=3,
        )  # fmt: skip


def test_a_venue_of_another_organisation_is_refused(world):
    with pytest.raises(ActionRefused):
        _ask(world, venue=world.venues.ocmw)


def test_coordinator_plans_from_the_request(world, client, django_capture_on_commit_callbacks):
    session_request = _ask(world)
    client.force_login(world.coordinator)
    url = reverse("session_request_plan", args=[session_request.pk])
    form = client.get(url).context["form"]
    assert form.initial["venue"] == world.venues.partner.pk
    assert form.initial["capacity"] == 12
    day = session_request.preferred_from + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"title": "Je waterfactuur", "topics": ["water_bill", "saving"],
             "audience": "residents", "language": "nl",
             "organising_team": world.teams.opbouw.pk, "venue": world.venues.partner.pk,
             "date": day.isoformat(), "start_time": "09:30", "end_time": "11:00",
             "capacity": 12, "description": "Samen de factuur lezen.",
             "cohosts": [world.partner.pk]},
        )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    session_request.refresh_from_db()
    assert session_request.status == "planned"
    session = session_request.session
    assert session.status == Session.Status.DRAFT
    assert list(session.cohosts.values_list("organisation_id", flat=True)) == [world.partner.pk]
    assert Notification.objects.filter(
        recipient=world.partner_worker, kind="session_request.planned"
    ).exists()
    # The partner co-hosts, so it sees the draft from its request page.
    client.force_login(world.partner_worker)
    page = client.get(reverse("session_request_detail", args=[session_request.pk]))
    assert page.context["session"] == session


def test_coordinator_declines_with_a_reason(world, client):
    session_request = _ask(world)
    url = reverse("session_request_decline", args=[session_request.pk])
    client.force_login(world.coordinator)
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200  # a reason is required
    assert client.post(url, {"reason": "Geen medewerkers vrij in juni."}).status_code == 302
    session_request.refresh_from_db()
    assert session_request.status == "declined"
    note = Notification.objects.get(kind="session_request.declined")
    assert note.recipient == world.partner_worker
    client.force_login(world.partner_worker)
    page = client.get(reverse("session_request_detail", args=[session_request.pk]))
    assert "Geen medewerkers vrij in juni." in page.content.decode()
    with pytest.raises(ActionRefused):
        services.decline_session_request(session_request, actor=world.coordinator, reason="x")


def test_the_partner_withdraws_an_open_request(world, client):
    session_request = _ask(world)
    url = reverse("session_request_withdraw", args=[session_request.pk])
    client.force_login(world.other_partner_worker)
    assert client.post(url).status_code == 404
    client.force_login(world.coordinator)  # sees it, it is not theirs to withdraw
    assert client.post(url).status_code == 403
    client.force_login(world.partner_admin)
    assert client.post(url).status_code == 302
    session_request.refresh_from_db()
    assert session_request.status == "withdrawn"


@pytest.mark.parametrize(
    ("person", "status"),
    [("partner_worker", 403), ("social_worker", 404), ("other_social_worker", 404),
     ("other_partner_worker", 404), ("outsider", 404)],
)  # fmt: skip
def test_who_may_not_plan_or_decline(world, client, person, status):
    session_request = _ask(world)
    client.force_login(getattr(world, person))
    for name in ("session_request_plan", "session_request_decline"):
        assert client.get(reverse(name, args=[session_request.pk])).status_code == status
    response = client.post(
        reverse("session_request_decline", args=[session_request.pk]), {"reason": "Nee"}
    )
    assert response.status_code == status
    session_request.refresh_from_db()
    assert session_request.status == "open"


def test_requests_are_seen_by_the_asking_organisation_and_the_planners(world, client):
    session_request = _ask(world)
    seen = {
        person: SessionRequest.objects.visible_to(getattr(world, person)).exists()
        for person in ("partner_worker", "partner_admin", "coordinator", "social_worker",
                       "other_partner_worker", "other_social_worker", "outsider")
    }  # fmt: skip
    assert seen == {"partner_worker": True, "partner_admin": True, "coordinator": True,
                    "social_worker": False, "other_partner_worker": False,
                    "other_social_worker": False, "outsider": False}  # fmt: skip
    client.force_login(world.social_worker)
    url = reverse("session_request_detail", args=[session_request.pk])
    assert client.get(url).status_code == 404
    client.force_login(world.partner_worker)
    assert client.get(reverse("session_request_list")).context["page"].items == [session_request]
