"""Fetching is the access check: someone who may not see an object gets 404 (as
if it did not exist), someone who may see it but not do this gets 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from partners.models import Organisation
from partners.principal import Principal, as_principal
from training.models import Material, Registration, Session, SessionRequest, Venue
from training.permissions import (
    can_decide_request,
    can_edit_practical_details,
    can_edit_session,
    can_manage_venues,
    can_plan_for,
    can_record_attendance,
)


def get_session_or_404(user, pk: int, scope: Principal | None = None) -> Session:
    """A session the person may see, with what its pages show."""
    session = (
        Session.objects.visible_to(user, scope)
        .select_related(
            "venue__postcode",
            "venue__organisation__postcode",
            "organisation",
            "organising_team",
        )
        .with_places()
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    return session


def get_editable_session_or_404(user, pk: int) -> Session:
    session = get_session_or_404(user, pk)
    if not can_edit_session(user, session):
        raise PermissionDenied
    return session


def get_practical_session_or_404(user, pk: int) -> Session:
    session = get_session_or_404(user, pk)
    if not can_edit_practical_details(user, session):
        raise PermissionDenied
    return session


def get_attendance_session_or_404(user, pk: int) -> Session:
    session = get_session_or_404(user, pk)
    if not can_record_attendance(user, session):
        raise PermissionDenied
    return session


def get_registration_or_404(user, session: Session, pk: int) -> Registration:
    """Registrations (with names) exist only for the registering organisation and
    the organiser: for everyone else they are not found."""
    registration = (
        Registration.objects.visible_to(user)
        .select_related("organisation", "participant_user", "session")
        .filter(session=session, pk=pk)
        .first()
    )
    if registration is None:
        raise Http404
    return registration


def get_material_or_404(user, session: Session, pk: int) -> Material:
    material = Material.objects.filter(session=session, pk=pk).first()
    if material is None:
        raise Http404
    return material


def get_planning_organisation_or_404(user, pk: int, scope: Principal | None = None) -> Organisation:
    """An organisation whose sessions the person plans: 404 for outsiders, 403 for
    members without "plan sessions"."""
    if pk not in (scope or as_principal(user)).organisation_ids:
        raise Http404
    organisation = Organisation.objects.select_related("parent").get(pk=pk)
    if not can_plan_for(user, organisation):
        raise PermissionDenied
    return organisation


def get_request_or_404(user, pk: int) -> SessionRequest:
    session_request = (
        SessionRequest.objects.visible_to(user)
        .select_related("organisation", "ocmw", "venue__organisation", "session", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if session_request is None:
        raise Http404
    return session_request


def get_decidable_request_or_404(user, pk: int) -> SessionRequest:
    session_request = get_request_or_404(user, pk)
    if not can_decide_request(user, session_request):
        raise PermissionDenied
    return session_request


def get_member_organisation_or_404(user, pk: int, scope: Principal | None = None) -> Organisation:
    if pk not in (scope or as_principal(user)).organisation_ids:
        raise Http404
    return Organisation.objects.select_related("parent").get(pk=pk)


def get_venue_organisation_or_404(user, pk: int) -> Organisation:
    organisation = get_member_organisation_or_404(user, pk)
    if not can_manage_venues(user, organisation):
        raise PermissionDenied
    return organisation


def get_managed_venue_or_404(user, pk: int) -> Venue:
    """A venue of one of the person's organisations, which they may manage."""
    venue = (
        Venue.objects.select_related("organisation")
        .filter(pk=pk, organisation_id__in=as_principal(user).organisation_ids)
        .first()
    )
    if venue is None:
        raise Http404
    if not can_manage_venues(user, venue.organisation):
        raise PermissionDenied
    return venue


def int_or_404(value) -> int:
    """An id from the query string; anything else is a page that does not exist."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
