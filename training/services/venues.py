"""Venues: the rooms where sessions take place."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from partners.models import Organisation
from portal.core import audit
from portal.core.exceptions import ActionRefused
from portal.core.models import User
from portal.core.versions import changes_to, lock_version, save_changes
from training.models import Venue
from training.permissions import can_manage_venues
from training.services.shared import VENUE_FIELDS


def _check_venue_fields(data: dict) -> None:
    if "capacity" in data and (data["capacity"] is None or data["capacity"] < 1):
        raise ActionRefused(_("A venue has at least one seat."))
    if "name" in data and not str(data["name"]).strip():
        raise ActionRefused(_("Give the room a name."))


@transaction.atomic
def create_venue(organisation: Organisation, *, actor: User, **fields) -> Venue:
    """Add a room where sessions can take place."""
    if not can_manage_venues(actor, organisation):
        raise PermissionDenied
    data = {name: value for name, value in fields.items() if name in VENUE_FIELDS}
    _check_venue_fields(data)
    if Venue.objects.filter(organisation=organisation, name__iexact=data["name"]).exists():
        raise ActionRefused(_("Your organisation already has a venue with that name."))
    venue = Venue.objects.create(organisation=organisation, **data)
    audit.record("venue.created", venue, actor=actor, organisation=organisation)
    return venue


@transaction.atomic
def update_venue(venue: Venue, *, actor: User, version: int, changes: dict) -> Venue:
    """Change a venue; an edit based on an older version is refused."""
    if not can_manage_venues(actor, venue.organisation):
        raise PermissionDenied
    locked = lock_version(venue, version)
    changed = changes_to(locked, changes, VENUE_FIELDS)
    _check_venue_fields(changed)
    if (
        "name" in changed
        and Venue.objects.filter(
            organisation_id=locked.organisation_id, name__iexact=changed["name"]
        )
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise ActionRefused(_("Your organisation already has a venue with that name."))
    save_changes(locked, changed)
    audit.record(
        "venue.updated",
        locked,
        actor=actor,
        organisation=venue.organisation,
        data={"fields": sorted(changed)},
    )
    return locked
