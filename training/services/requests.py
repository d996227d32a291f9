"""Requests from partners for a session at their venue."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Organisation
from partners.principal import holders_of
from portal.core import audit
from portal.core.exceptions import ActionRefused
from portal.core.models import User
from portal.core.notifications import notify
from training.models import Audience, Session, SessionRequest, Topic, Venue
from training.permissions import (
    can_decide_request,
    can_request_session,
    can_withdraw_request,
    may_cohost,
)
from training.services.sessions import create_session
from training.services.shared import local_time, normalise_topics


def request_link(session_request: SessionRequest) -> str:
    return reverse("session_request_detail", args=[session_request.pk])


@transaction.atomic
def request_session(
    organisation: Organisation,
    *,
    actor: User,
    ocmw: Organisation,
    topics,
    audience: str,
    preferred_from,
    preferred_until,
    expected_people: int,
    venue: Venue | None = None,
    other_topic: str = "",
    preferred_moments: str = "",
    note: str = "",
) -> SessionRequest:
    """A partner asks its OCMW for a session at its venue; the OCMW's planners hear of it."""
    if not can_request_session(actor, organisation, ocmw):
        raise PermissionDenied
    topics = normalise_topics(topics)
    if venue is not None and venue.organisation_id != organisation.pk:
        raise ActionRefused(_("Choose one of your organisation's own venues."))
    if preferred_until < preferred_from:
        raise ActionRefused(_("The end date comes before the start date."))
    if expected_people is None or expected_people < 1:
        raise ActionRefused(_("Say how many people you expect."))
    if Topic.OTHER in topics.split() and not other_topic.strip():
        raise ActionRefused(_("Say which other topic the session is about."))
    if audience not in Audience.values:
        raise ActionRefused(_("Choose the audience from the list."))
    session_request = SessionRequest.objects.create(
        organisation=organisation,
        ocmw=ocmw,
        requested_by=actor,
        venue=venue,
        topics=topics,
        other_topic=other_topic.strip(),
        audience=audience,
        preferred_from=preferred_from,
        preferred_until=preferred_until,
        preferred_moments=preferred_moments.strip(),
        expected_people=expected_people,
        note=note.strip(),
    )
    notify(
        holders_of("plan_sessions", ocmw.pk),
        kind="session_request.new",
        text=gettext_lazy("%(organisation)s asks for an information session."),
        params={"organisation": organisation.name},
        link=request_link(session_request),
        reference=session_request.reference,
    )
    audit.record("session_request.created", session_request, actor=actor, organisation=organisation)
    return session_request


def _lock_open_request(session_request: SessionRequest) -> SessionRequest:
    locked = (
        SessionRequest.objects.select_for_update()
        .select_related("organisation", "ocmw")
        .get(pk=session_request.pk)
    )
    if locked.status != SessionRequest.Status.OPEN:
        raise ActionRefused(_("This request has already been answered or withdrawn."))
    return locked


@transaction.atomic
def plan_requested_session(
    session_request: SessionRequest,
    *,
    actor: User,
    organisation: Organisation | None = None,
    cohosts: Iterable[Organisation] | None = None,
    **fields,
) -> Session:
    """Plan a session from a request. The asking partner co-hosts it when its
    agreement allows that, and hears that the session is planned."""
    if not can_decide_request(actor, session_request):
        raise PermissionDenied
    locked = _lock_open_request(session_request)
    organisation = organisation or locked.ocmw
    if (organisation.owning_ocmw or organisation).pk != locked.ocmw_id:
        raise ActionRefused(_("Plan the session for the OCMW that was asked."))
    if cohosts is None:
        cohosts = [locked.organisation] if may_cohost(locked.organisation, locked.ocmw) else []
    session = create_session(organisation, actor=actor, cohosts=cohosts, **fields)
    locked.status = SessionRequest.Status.PLANNED
    locked.session = session
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "session", "decided_by", "decided_at"])
    notify(
        [locked.requested_by],
        kind="session_request.planned",
        text=gettext_lazy("Your request for an information session is planned: %(when)s."),
        params={"when": local_time(session.starts_at)},
        link=request_link(locked),
        reference=locked.reference,
    )
    audit.record(
        "session_request.planned",
        locked,
        actor=actor,
        organisation=locked.ocmw,
        data={"session": session.pk},
    )
    return session


@transaction.atomic
def decline_session_request(
    session_request: SessionRequest, *, actor: User, reason: str
) -> SessionRequest:
    """Say no to a request, with a reason the partner can read."""
    if not can_decide_request(actor, session_request):
        raise PermissionDenied
    locked = _lock_open_request(session_request)
    reason = reason.strip()
    if not reason:
        raise ActionRefused(_("Say briefly why you decline the request."))
    locked.status = SessionRequest.Status.DECLINED
    locked.decline_reason = reason
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    notify(
        [locked.requested_by],
        kind="session_request.declined",
        text=gettext_lazy(
            "%(ocmw)s cannot plan the information session you asked for. "
            "The reason is in the portal."
        ),
        params={"ocmw": locked.ocmw.name},
        link=request_link(locked),
        reference=locked.reference,
    )
    audit.record("session_request.declined", locked, actor=actor, organisation=locked.ocmw)
    return locked


@transaction.atomic
def withdraw_session_request(session_request: SessionRequest, *, actor: User) -> SessionRequest:
    """The asking organisation takes its request back while it is still open."""
    if not can_withdraw_request(actor, session_request):
        raise PermissionDenied
    locked = _lock_open_request(session_request)
    locked.status = SessionRequest.Status.WITHDRAWN
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record("session_request.withdrawn", locked, actor=actor, organisation=locked.organisation)
    return locked
