"""Registrations and the waiting list.

Places are never overbooked: every change to a session's registrations first
locks the session row (``select_for_update``), then counts the confirmed places
in SQL, so concurrent registrations queue up behind one another. The waiting
list moves up in the same transaction as the cancellation that frees a place.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partners.models import Organisation
from portal.core import audit
from portal.core.exceptions import ActionRefused
from portal.core.models import User
from portal.core.notifications import notify
from training.models import Registration, Session
from training.permissions import can_manage_registration, can_register_for, can_register_self
from training.services.shared import MAX_HEADCOUNT, local_time, session_link


def sync_full_status(session: Session) -> None:
    """Keep "full" in step with the places: full once every place is given or
    someone waits in line (newcomers then join the line too)."""
    if session.status not in (Session.Status.PUBLISHED, Session.Status.FULL):
        return
    registrations = Registration.objects.filter(session=session)
    full = (
        registrations.confirmed_places() >= session.capacity
        or registrations.filter(status=Registration.Status.WAITING).exists()
    )
    status = Session.Status.FULL if full else Session.Status.PUBLISHED
    if status != session.status:
        session.status = status
        session.save(update_fields=["status", "updated_at"])


def move_up_waiting_list(session: Session) -> list[Registration]:
    """Give free places to the waiting list, first come first served.

    The line keeps its order: if the first in line needs more places than are
    free, those behind it wait too. The caller holds the lock on the session.
    """
    if session.status not in (Session.Status.PUBLISHED, Session.Status.FULL):
        return []
    if session.starts_at <= timezone.now():
        return []
    registrations = Registration.objects.filter(session=session)
    free = session.capacity - registrations.confirmed_places()
    promoted = []
    now = timezone.now()
    for registration in registrations.waiting_line():
        if registration.places > free:
            break
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        free -= registration.places
        promoted.append(registration)
    if promoted:
        Registration.objects.bulk_update(promoted, ["status", "confirmed_at"])
        notify(
            User.objects.filter(pk__in={r.registered_by_id for r in promoted}),
            kind="session.place_free",
            text=gettext_lazy(
                'Places became free at "%(title)s" (%(when)s): people your organisation '
                "put on the waiting list now have a place."
            ),
            params={"title": session.title, "when": local_time(session.starts_at)},
            link=session_link(session),
            reference=session.reference,
        )
    return promoted


def lock_open_session(session: Session) -> Session:
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.status == Session.Status.CANCELLED:
        raise ActionRefused(_("This session was cancelled."))
    if not locked.is_open_for_registration:
        raise ActionRefused(_("This session is not open for registration."))
    return locked


@transaction.atomic
def register_people(
    session: Session,
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    places: int = 1,
    participant_name: str = "",
    phone: str = "",
    email: str = "",
    consent: bool = False,
) -> Registration:
    """Register people of the actor's organisation: one person by name (with
    consent), a headcount, or the actor themselves. The registration gets a place
    if all its people fit and nobody waits; otherwise it joins the waiting list."""
    if not can_register_for(actor, session, organisation):
        raise PermissionDenied
    participant_name, phone, email = participant_name.strip(), phone.strip(), email.strip()
    participant_user = None
    consent_at = None
    if kind == Registration.Kind.NAMED:
        if not participant_name:
            raise ActionRefused(_("Fill in the name of the person."))
        if not consent:
            raise ActionRefused(
                _("Ask the person first whether they agree that we keep their name for this.")
            )
        places, consent_at = 1, timezone.now()
    elif kind == Registration.Kind.HEADCOUNT:
        if places is None or not 1 <= places <= MAX_HEADCOUNT:
            raise ActionRefused(
                _("Register between 1 and %(max)s people at once.") % {"max": MAX_HEADCOUNT}
            )
        participant_name, phone, email = "", "", ""
    elif kind == Registration.Kind.SELF:
        if not can_register_self(session):
            raise ActionRefused(_("This session is for residents: register them, not yourself."))
        places, participant_user = 1, actor
        participant_name, phone, email = "", "", ""
    else:
        raise ActionRefused(_("Choose how you register people."))

    locked = lock_open_session(session)
    registrations = Registration.objects.filter(session=locked)
    if places > locked.capacity:
        raise ActionRefused(
            ngettext(
                "This session has only %(places)s place.",
                "This session has only %(places)s places.",
                locked.capacity,
            )
            % {"places": locked.capacity}
        )
    if (
        participant_user is not None
        and registrations.active().filter(participant_user=participant_user).exists()
    ):
        raise ActionRefused(_("You are already registered for this session."))
    if (
        participant_name
        and registrations.active()
        .filter(organisation=organisation, participant_name__iexact=participant_name)
        .exists()
    ):
        raise ActionRefused(_("Your organisation already registered this person."))
    fits = (
        not registrations.filter(status=Registration.Status.WAITING).exists()
        and registrations.confirmed_places() + places <= locked.capacity
    )
    now = timezone.now()
    registration = Registration.objects.create(
        session=locked,
        organisation=organisation,
        registered_by=actor,
        kind=kind,
        places=places,
        participant_name=participant_name,
        participant_user=participant_user,
        phone=phone,
        email=email,
        consent_at=consent_at,
        status=Registration.Status.CONFIRMED if fits else Registration.Status.WAITING,
        created_at=now,
        confirmed_at=now if fits else None,
    )
    sync_full_status(locked)
    audit.record(
        "registration.created",
        registration,
        actor=actor,
        organisation=organisation,
        data={"session": locked.pk, "kind": kind, "places": places, "status": registration.status},
    )
    return registration


@transaction.atomic
def cancel_registration(registration: Registration, *, actor: User) -> Registration:
    """Cancel a registration; a freed place goes to the waiting list at once."""
    if not can_manage_registration(actor, registration):
        raise PermissionDenied
    # Lock order is always session, then registration (as in register_people).
    session = Session.objects.select_for_update().get(pk=registration.session_id)
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status == Registration.Status.CANCELLED:
        raise ActionRefused(_("This registration was already cancelled."))
    if session.is_closed or session.has_started:
        raise ActionRefused(_("The session has started or is over: nothing to cancel any more."))
    had_place = locked.status == Registration.Status.CONFIRMED
    locked.status = Registration.Status.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = actor
    locked.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    promoted = move_up_waiting_list(session) if had_place else []
    sync_full_status(session)
    audit.record(
        "registration.cancelled",
        locked,
        actor=actor,
        organisation=locked.organisation,
        data={"session": session.pk, "places": locked.places, "moved_up": len(promoted)},
    )
    return locked
