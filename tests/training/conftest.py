"""Sessions for the shared cast: venues at the OCMW and at the partner, and a
helper that puts a session straight into the state a test needs."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from partners.models import Agreement
from training.models import Registration, Session, Venue


@pytest.fixture
def world(cast):
    """The cast, with co-hosting allowed for Buurthuis De Brug and a venue on each side."""
    Agreement.objects.filter(ocmw=cast.ocmw, partner=cast.partner).update(may_cohost=True)
    venues = SimpleNamespace(
        ocmw=Venue.objects.create(organisation=cast.ocmw, name="Zaal Gasthuis", capacity=40),
        partner=Venue.objects.create(
            organisation=cast.partner,
            name="Grote zaal",
            capacity=20,
            accessibility="Drempelvrij, aangepast toilet.",
        ),
        other_partner=Venue.objects.create(
            organisation=cast.other_partner, name="Winkel", capacity=10
        ),
    )
    return SimpleNamespace(**vars(cast), venues=venues)


@pytest.fixture
def make_session(world):
    """Create a session directly in a given state (services are tested on their own)."""

    def make(
        status=Session.Status.PUBLISHED,
        *,
        starts_in=timedelta(days=7),
        duration=timedelta(hours=2),
        capacity=10,
        cohosts=(),
        **fields,
    ):
        starts_at = timezone.now().replace(microsecond=0) + starts_in
        defaults = {
            "organisation": world.ocmw,
            "organising_team": world.teams.watercel,
            "title": "Je waterfactuur lezen",
            "topics": "water_bill lac",
            "audience": "residents",
            "language": "nl",
            "venue": world.venues.partner,
            "description": "We lezen samen een waterfactuur.",
            "created_by": world.coordinator,
        }
        defaults.update(fields)
        session = Session.objects.create(
            status=status,
            starts_at=starts_at,
            ends_at=starts_at + duration,
            capacity=capacity,
            **defaults,
        )
        for organisation in cohosts:
            session.cohosts.create(organisation=organisation, added_by=world.coordinator)
        return session

    return make


@pytest.fixture
def register(world):
    """Put a registration in place without the service (for setting up a state)."""

    def add(session, *, by=None, organisation=None, places=1, status="confirmed", **fields):
        by = by or world.partner_worker
        kind = fields.pop("kind", "headcount")
        if kind == "named":
            fields.setdefault("participant_name", "Fatima B.")
            fields.setdefault("consent_at", timezone.now())
        return Registration.objects.create(
            session=session,
            organisation=organisation or world.partner,
            registered_by=by,
            kind=kind,
            places=places,
            status=status,
            **fields,
        )

    return add
