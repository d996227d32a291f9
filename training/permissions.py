"""Named rules for information sessions. Views, API, templates and services ask these.

Planning rights come from the guardian grant "plan sessions" on an
organisation (``partners.permissions.can_plan_sessions``); everything else
follows from team membership, read once per request as a ``Principal``.
"""

from __future__ import annotations

from dataclasses import dataclass

from partners.models import Agreement, Organisation
from partners.permissions import can_manage_agreements, can_manage_members, can_plan_sessions
from partners.principal import Principal, as_principal
from training.models import Audience, Registration, Session, SessionRequest


def can_plan_for(user, organisation: Organisation) -> bool:
    """Coordinators with "plan sessions" create and edit an OCMW's (or internal
    service's) sessions."""
    return organisation.owning_ocmw is not None and can_plan_sessions(user, organisation)


def can_edit_session(user, session: Session) -> bool:
    return can_plan_sessions(user, session.organisation)


def is_organiser(user, session: Session, scope: Principal | None = None) -> bool:
    """The organiser: the planners of the organisation and the organising team."""
    scope = scope or as_principal(user)
    return (
        session.organisation_id in scope.planning_organisation_ids
        or session.organising_team_id in scope.team_ids
    )


def is_cohost(user, session: Session, scope: Principal | None = None) -> bool:
    scope = scope or as_principal(user)
    return session.cohosts.filter(organisation_id__in=scope.organisation_ids).exists()


def can_edit_practical_details(user, session: Session, scope: Principal | None = None) -> bool:
    """Co-hosts change the practical details (and materials); planners change everything."""
    scope = scope or as_principal(user)
    return session.organisation_id in scope.planning_organisation_ids or is_cohost(
        user, session, scope
    )


def can_register_for(user, session: Session, organisation: Organisation) -> bool:
    """Members register people of their own organisation, for sessions they can see."""
    scope = as_principal(user)
    return (
        organisation.pk in scope.organisation_ids
        and Session.objects.visible_to(user, scope).filter(pk=session.pk).exists()
    )


def can_register_self(session: Session) -> bool:
    return session.audience == Audience.PARTNER_STAFF


def can_manage_registration(
    user, registration: Registration, scope: Principal | None = None
) -> bool:
    """The registering organisation and the organiser see names and may cancel."""
    scope = scope or as_principal(user)
    return registration.organisation_id in scope.organisation_ids or is_organiser(
        user, registration.session, scope
    )


def can_record_attendance(user, session: Session, scope: Principal | None = None) -> bool:
    return is_organiser(user, session, scope)


def evaluating_organisation_ids(user, session: Session, scope: Principal | None = None) -> set[int]:
    """Organisations (of the person) that took part: organiser, co-host or registering."""
    scope = scope or as_principal(user)
    involved = {session.organisation_id} if is_organiser(user, session, scope) else set()
    involved |= set(
        session.cohosts.filter(organisation_id__in=scope.organisation_ids).values_list(
            "organisation_id", flat=True
        )
    )
    involved |= set(
        session.registrations.active()
        .filter(organisation_id__in=scope.organisation_ids)
        .values_list("organisation_id", flat=True)
    )
    return involved


def can_evaluate(user, session: Session, scope: Principal | None = None) -> bool:
    return bool(evaluating_organisation_ids(user, session, scope))


def may_cohost(partner: Organisation, ocmw: Organisation) -> bool:
    """Only partners whose active agreement with the OCMW allows co-hosting."""
    return Agreement.objects.active().filter(ocmw=ocmw, partner=partner, may_cohost=True).exists()


def cohost_candidates(organisation: Organisation):
    """Organisations that may co-host the sessions of ``organisation``."""
    ocmw = organisation.owning_ocmw or organisation
    partner_ids = Agreement.objects.active().filter(ocmw=ocmw, may_cohost=True).values("partner_id")
    return Organisation.objects.filter(pk__in=partner_ids).order_by("name")


def ocmws_to_ask(organisation: Organisation):
    """The OCMWs an organisation may ask for a session: those it has an active
    agreement with, or, for an internal service, its own OCMW."""
    if organisation.owning_ocmw is not None:
        if organisation.is_ocmw:
            return Organisation.objects.none()
        return Organisation.objects.filter(pk=organisation.parent_id)
    partner_of = Agreement.objects.active().filter(partner=organisation).values("ocmw_id")
    return Organisation.objects.filter(pk__in=partner_of).order_by("name")


def can_request_session(user, organisation: Organisation, ocmw: Organisation) -> bool:
    """A member of a partner (or internal service) asks one of its OCMWs for a session."""
    return (
        organisation.pk in as_principal(user).organisation_ids
        and ocmws_to_ask(organisation).filter(pk=ocmw.pk).exists()
    )


def can_decide_request(user, session_request: SessionRequest) -> bool:
    return can_plan_sessions(user, session_request.ocmw)


def can_withdraw_request(user, session_request: SessionRequest) -> bool:
    return session_request.organisation_id in as_principal(user).organisation_ids


def can_manage_venues(user, organisation: Organisation) -> bool:
    """Organisation admins, coordinators and planners keep their venues up to date."""
    return (
        can_manage_members(user, organisation)
        or can_manage_agreements(user, organisation)
        or can_plan_sessions(user, organisation)
    )


@dataclass(frozen=True)
class SessionAbilities:
    """Every rule for one session and one person, worked out once for a page."""

    edit: bool
    practical: bool
    organiser: bool
    register: bool
    register_self: bool
    attendance: bool
    evaluate: bool


def abilities_for(user, session: Session) -> SessionAbilities:
    scope = as_principal(user)
    edit = session.organisation_id in scope.planning_organisation_ids
    organiser = is_organiser(user, session, scope)
    practical = edit or is_cohost(user, session, scope)
    return SessionAbilities(
        edit=edit and not session.is_closed,
        practical=practical and not session.is_closed,
        organiser=organiser,
        register=scope.is_member and session.is_open_for_registration,
        register_self=scope.is_member
        and session.is_open_for_registration
        and can_register_self(session),
        attendance=organiser and session.has_started and session.status != "cancelled",
        evaluate=session.has_started
        and session.status != "cancelled"
        and bool(evaluating_organisation_ids(user, session, scope)),
    )
