"""Planning, editing and publishing sessions: only coordinators with "plan
sessions"; co-hosts change only the practical details."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from partners.models import Agreement
from portal.core.exceptions import ActionRefused
from portal.core.models import AuditEntry
from training import services
from training.models import Session

pytestmark = pytest.mark.django_db


def _form(world, **overrides):
    day = timezone.localdate() + timedelta(days=14)
    data = {
        "title": "Hoe werkt de LAC?",
        "topics": ["lac", "aid_offer"],
        "audience": "residents",
        "language": "nl",
        "organising_team": world.teams.opbouw.pk,
        "venue": world.venues.partner.pk,
        "date": day.isoformat(),
        "start_time": "14:00",
        "end_time": "16:00",
        "capacity": 15,
        "description": "Wat doet de LAC? Wat kan u zelf doen?",
        "cohosts": [world.partner.pk],
    }
    data.update(overrides)
    return data


def test_coordinator_plans_a_draft_with_a_cohost(world, client):
    client.force_login(world.coordinator)
    response = client.post(reverse("session_create"), _form(world))
    assert response.status_code == 302, response.context["form"].errors
    session = Session.objects.get()
    assert session.status == Session.Status.DRAFT
    assert session.topics == "aid_offer lac"
    assert timezone.localtime(session.starts_at).hour == 14
    assert list(session.cohosts.values_list("organisation_id", flat=True)) == [world.partner.pk]
    assert AuditEntry.objects.filter(action="session.created", object_id=str(session.pk)).exists()


@pytest.mark.parametrize(
    ("person", "status"),
    [("social_worker", 403), ("partner_worker", 403), ("org_admin", 403), ("outsider", 403)],
)
def test_who_may_not_plan(world, client, person, status):
    client.force_login(getattr(world, person))
    assert client.get(reverse("session_create")).status_code == status
    assert client.post(reverse("session_create"), _form(world)).status_code == status
    assert not Session.objects.exists()


def test_planning_for_an_organisation_you_are_not_in(world, client):
    client.force_login(world.coordinator)
    url = reverse("session_create") + f"?organisation={world.other_ocmw.pk}"
    assert client.get(url).status_code == 404
    url = reverse("session_create") + f"?organisation={world.partner.pk}"
    assert client.get(url).status_code == 404


def test_only_partners_whose_agreement_allows_cohosting_can_cohost(world):
    Agreement.objects.filter(partner=world.partner).update(may_cohost=False)
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(ActionRefused):
        services.create_session(
            world.ocmw, actor=world.coordinator, cohosts=[world.partner], title="T",
            topics=["lac"], audience="residents", language="nl", venue=world.venues.ocmw,
            organising_team=world.teams.watercel, starts_at=start,
            ends_at=start + timedelta(hours=1), capacity=5, description="D",
        )  # fmt: skip
    assert not Session.objects.exists()


def test_the_form_offers_only_allowed_cohosts_and_usable_venues(world, client):
    client.force_login(world.coordinator)
    form = client.get(reverse("session_create")).context["form"]
    assert list(form.fields["cohosts"].queryset) == [world.partner]
    venues = set(form.fields["venue"].queryset)
    # The social grocery of the cast has no agreement with OCMW Aalst.
    assert venues == {world.venues.ocmw, world.venues.partner}


def test_bad_input_keeps_what_was_typed(world, client):
    client.force_login(world.coordinator)
    response = client.post(reverse("session_create"), _form(world, end_time="13:00", capacity=500))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hoe werkt de LAC?" in page
    assert response.context["form"].errors.keys() >= {"end_time", "capacity"}


def test_edit_is_for_planners_only(world, make_session, client):
    session = make_session(cohosts=[world.partner])
    url = reverse("session_edit", args=[session.pk])
    for person, status in [("partner_worker", 403), ("social_worker", 403),
                           ("other_social_worker", 403), ("outsider", 404)]:  # fmt: skip
        client.force_login(getattr(world, person))
        assert client.get(url).status_code == status, person
        assert client.post(url, _form(world, version=session.version)).status_code == status
    client.force_login(world.coordinator)
    response = client.post(url, _form(world, version=session.version, title="Nieuwe titel"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Nieuwe titel"


def test_an_edit_on_an_old_version_is_refused(world, make_session, client):
    session = make_session()
    client.force_login(world.coordinator)
    url = reverse("session_edit", args=[session.pk])
    client.post(url, _form(world, version=session.version, title="Eerst"))
    response = client.post(url, _form(world, version=session.version, title="Daarna"))
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.title == "Eerst"


def test_moving_a_published_session_tells_the_registering_workers(
    world, make_session, register, django_capture_on_commit_callbacks
):
    from django.core import mail

    session = make_session()
    register(session)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_session(
            session,
            actor=world.coordinator,
            version=session.version,
            changes={"starts_at": session.starts_at + timedelta(days=1),
                     "ends_at": session.ends_at + timedelta(days=1)},
        )  # fmt: skip
    assert world.partner_worker.notifications.filter(kind="session.changed").exists()
    assert mail.outbox[-1].to == [world.partner_worker.email]


def test_cohosts_edit_practical_details_only(world, make_session, client):
    session = make_session(cohosts=[world.partner])
    url = reverse("session_practical", args=[session.pk])
    client.force_login(world.other_partner_worker)
    assert client.get(url).status_code == 403
    client.force_login(world.partner_worker)
    assert client.get(reverse("session_edit", args=[session.pk])).status_code == 403
    response = client.post(
        url, {"version": session.version, "practical_info": "Koffie vanaf 13.30",
              "interpretation": "Arabisch"},
    )  # fmt: skip
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.practical_info, session.interpretation) == ("Koffie vanaf 13.30", "Arabisch")
    with pytest.raises(PermissionDenied):
        services.update_session(
            session, actor=world.partner_worker, version=session.version, changes={"title": "x"}
        )


def test_publish_opens_registration_and_is_for_planners_only(world, make_session, client):
    session = make_session(status="draft", cohosts=[world.partner])
    url = reverse("session_publish", args=[session.pk])
    client.force_login(world.partner_worker)  # co-host: sees the draft, may not publish
    assert client.post(url).status_code == 403
    client.force_login(world.onthaal_worker)
    assert client.post(url).status_code == 404
    client.force_login(world.coordinator)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED
    with pytest.raises(ActionRefused):
        services.publish_session(session, actor=world.coordinator)


def test_a_session_in_the_past_cannot_be_published(world, make_session):
    session = make_session(status="draft", starts_in=timedelta(days=-1))
    with pytest.raises(ActionRefused):
        services.publish_session(session, actor=world.coordinator)


def test_organising_team_must_belong_to_the_organisation(world, make_session):
    session = make_session()
    with pytest.raises(ActionRefused):
        services.update_session(
            session,
            actor=world.coordinator,
            version=session.version,
            changes={"organising_team": world.teams.partner},
        )


def test_capacity_cannot_exceed_the_venue(world, make_session):
    session = make_session()  # at the partner's venue: 20 seats
    with pytest.raises(ActionRefused):
        services.update_session(
            session, actor=world.coordinator, version=session.version, changes={"capacity": 21}
        )
