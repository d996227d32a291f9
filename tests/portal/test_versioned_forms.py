"""A form that edits a stored object carries its version (portal.core.forms)."""

import pytest
from django.urls import reverse

from partners.forms import TeamForm
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

TEAM = {"name": "Onthaal", "capacity_per_worker": 10}


def test_an_edit_form_starts_at_the_stored_version():
    team = TeamFactory(version=4)
    assert TeamForm(instance=team).initial["version"] == 4


def test_an_edit_without_a_version_is_refused_by_the_form():
    form = TeamForm(TEAM, instance=TeamFactory())
    assert not form.is_valid()
    assert form.non_field_errors()


def test_an_edit_hands_the_service_its_version_and_changes():
    form = TeamForm({**TEAM, "version": 3}, instance=TeamFactory(version=3))
    assert form.is_valid(), form.errors
    edit = form.edit()
    assert edit["version"] == 3
    assert "version" not in edit["changes"]
    assert edit["changes"]["name"] == "Onthaal"


def test_a_form_that_creates_needs_no_version():
    form = TeamForm(TEAM)
    assert form.is_valid(), form.errors
    assert "version" not in form.changes()


def test_a_stale_edit_shows_what_was_saved_meanwhile(cast, client):
    from partners import services

    team = cast.teams.onthaal
    form = {
        "name": "Onthaal en eerste lijn",
        "version": team.version,
        "capacity_per_worker": team.capacity_per_worker,
        "receives_referrals": "on",
        "receives_general": "on",
    }
    services.update_team(
        team, actor=cast.org_admin, version=team.version, changes={"name": "Sociaal onthaal"}
    )
    client.force_login(cast.org_admin)
    url = reverse("team_edit", args=[cast.ocmw.pk, team.pk])
    response = client.post(url, form)
    assert response.status_code == 200
    assert response.context["form"].saved_meanwhile[0][1:] == (
        "Sociaal onthaal",
        "Onthaal en eerste lijn",
    )
    team.refresh_from_db()
    assert team.name == "Sociaal onthaal"
