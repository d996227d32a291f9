"""Venues: kept up to date by the organisation's admins, coordinators and planners."""

import pytest
from django.urls import reverse

from training.models import Venue

pytestmark = pytest.mark.django_db


def test_partner_admin_adds_and_edits_a_venue(world, client):
    client.force_login(world.partner_admin)
    url = reverse("venue_create", args=[world.partner.pk])
    data = {"name": "Tuinzaal", "capacity": 25, "is_active": "on",
            "accessibility": "Met rolstoel bereikbaar via de tuin."}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    venue = Venue.objects.get(name="Tuinzaal")
    assert venue.address.endswith("9300 Aalst")  # falls back on the organisation's address
    edit = reverse("venue_edit", args=[venue.pk])
    response = client.post(edit, {"version": venue.version, "name": "Tuinzaal", "capacity": 30,
                                  "is_active": "on"})  # fmt: skip
    assert response.status_code == 302
    venue.refresh_from_db()
    assert (venue.capacity, venue.version) == (30, 2)


def test_two_venues_with_one_name_are_refused_and_input_is_kept(world, client):
    client.force_login(world.partner_admin)
    response = client.post(
        reverse("venue_create", args=[world.partner.pk]), {"name": "grote zaal", "capacity": 5}
    )
    assert response.status_code == 200
    assert "grote zaal" in response.content.decode()


@pytest.mark.parametrize(
    ("person", "status"),
    [("partner_worker", 403), ("other_partner_worker", 404), ("coordinator", 404),
     ("outsider", 404)],
)  # fmt: skip
def test_who_may_not_manage_the_partners_venues(world, client, person, status):
    venue = world.venues.partner
    client.force_login(getattr(world, person))
    assert client.get(reverse("venue_create", args=[world.partner.pk])).status_code == status
    response = client.post(
        reverse("venue_edit", args=[venue.pk]),
        {"version": venue.version, "name": "Gekaapt", "capacity": 1},
    )
    assert response.status_code == status
    venue.refresh_from_db()
    assert venue.name == "Grote zaal"


def test_the_venue_list_shows_own_organisations_only(world, client):
    client.force_login(world.partner_worker)
    page = client.get(reverse("venue_list"))
    assert list(page.context["venues"]) == [world.venues.partner]
    client.force_login(world.outsider)
    assert list(client.get(reverse("venue_list")).context["venues"]) == []
