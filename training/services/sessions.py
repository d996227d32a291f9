"""Planning, editing, publishing and cancelling sessions, and their materials."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Language, Organisation
from portal.core import audit
from portal.core.exceptions import ActionRefused
from portal.core.models import User
from portal.core.notifications import notify
from portal.core.versions import changes_to, lock_version, save_changes, save_new_version
from training.models import Audience, CoHost, Material, Session, Topic, Venue
from training.permissions import (
    can_edit_practical_details,
    can_edit_session,
    can_plan_for,
    may_cohost,
)
from training.services.registrations import move_up_waiting_list, sync_full_status
from training.services.shared import (
    MATERIAL_EXTENSIONS,
    MAX_MATERIAL_BYTES,
    PRACTICAL_FIELDS,
    SESSION_FIELDS,
    local_time,
    normalise_topics,
    session_link,
)


def _check_session(organisation: Organisation, session: Session) -> None:
    """The rules a session's fields must meet together (create and edit alike)."""
    team = session.organising_team
    if team.organisation_id != organisation.pk and team.organisation.parent_id != organisation.pk:
        raise ActionRefused(_("The organising team must be a team of this organisation."))
    if not Venue.objects.usable_for(organisation).filter(pk=session.venue_id).exists():
        raise ActionRefused(
            _("Choose a venue of your organisation or of a partner you have an agreement with.")
        )
    if session.ends_at <= session.starts_at:
        raise ActionRefused(_("The session must end after it starts."))
    if session.capacity is None or session.capacity < 1:
        raise ActionRefused(_("A session has at least one place."))
    if session.capacity > session.venue.capacity:
        raise ActionRefused(
            _("The venue has only %(seats)s seats.") % {"seats": session.venue.capacity}
        )
    if Topic.OTHER in session.topics.split() and not session.other_topic.strip():
        raise ActionRefused(_("Say which other topic the session is about."))
    if session.audience not in Audience.values or session.language not in Language.values:
        raise ActionRefused(_("Choose the audience and the language from the list."))
    if not session.title.strip() or not session.description.strip():
        raise ActionRefused(_("A session needs a title and a short description."))


def _set_cohosts(session: Session, organisations: Iterable[Organisation], actor: User) -> bool:
    """Make the co-hosts match ``organisations``; each must be allowed to co-host."""
    wanted = {org.pk: org for org in organisations}
    ocmw = session.organisation.owning_ocmw or session.organisation
    for org in wanted.values():
        if not may_cohost(org, ocmw):
            raise ActionRefused(
                _("%(name)s has no agreement that allows co-hosting sessions.") % {"name": org.name}
            )
    current = set(session.cohosts.values_list("organisation_id", flat=True))
    stale = current - wanted.keys()
    if stale:
        session.cohosts.filter(organisation_id__in=stale).delete()
    CoHost.objects.bulk_create(
        CoHost(session=session, organisation_id=pk, added_by=actor)
        for pk in wanted.keys() - current
    )
    return bool(stale or wanted.keys() - current)


@transaction.atomic
def create_session(
    organisation: Organisation,
    *,
    actor: User,
    cohosts: Iterable[Organisation] = (),
    **fields,
) -> Session:
    """Plan a session (as a draft) for an OCMW or one of its internal services."""
    if not can_plan_for(actor, organisation):
        raise PermissionDenied
    data = {name: value for name, value in fields.items() if name in SESSION_FIELDS}
    data["topics"] = normalise_topics(data.get("topics", ""))
    session = Session(organisation=organisation, created_by=actor, **data)
    _check_session(organisation, session)
    session.save()
    _set_cohosts(session, cohosts, actor)
    audit.record(
        "session.created",
        session,
        actor=actor,
        organisation=organisation,
        data={"cohosts": sorted(org.pk for org in cohosts)},
    )
    return session


def registered_users(session: Session) -> list[User]:
    """The people who registered others (or themselves) for the session."""
    ids = set()
    for registered_by, participant in session.registrations.active().values_list(
        "registered_by_id", "participant_user_id"
    ):
        ids.add(registered_by)
        if participant:
            ids.add(participant)
    return list(User.objects.filter(pk__in=ids))


@transaction.atomic
def update_session(
    session: Session,
    *,
    actor: User,
    version: int,
    changes: dict,
    cohosts: Iterable[Organisation] | None = None,
) -> Session:
    """Change a session. Registered organisations hear about a new time or venue;
    more places let the waiting list move up; fewer than already given is refused."""
    if not can_edit_session(actor, session):
        raise PermissionDenied
    locked = lock_version(session, version)
    if locked.is_closed:
        raise ActionRefused(_("A session that took place or was cancelled cannot be changed."))
    if "topics" in changes:
        changes = {**changes, "topics": normalise_topics(changes["topics"])}
    changed = changes_to(locked, changes, SESSION_FIELDS)
    for name, value in changed.items():
        setattr(locked, name, value)
    _check_session(locked.organisation, locked)
    if "capacity" in changed:
        given = locked.registrations.confirmed_places()
        if locked.capacity < given:
            raise ActionRefused(
                _("%(given)s places are already given. Cancel registrations first.")
                % {"given": given}
            )
    save_new_version(locked, [*changed, "updated_at"])
    cohosts_changed = cohosts is not None and _set_cohosts(locked, cohosts, actor)
    if "capacity" in changed:
        move_up_waiting_list(locked)
        sync_full_status(locked)
    moved = {"starts_at", "ends_at", "venue"} & changed.keys()
    if moved and locked.status in (Session.Status.PUBLISHED, Session.Status.FULL):
        notify(
            registered_users(locked),
            kind="session.changed",
            text=gettext_lazy(
                'The information session "%(title)s" has changed: it is now on %(when)s, '
                "at %(venue)s."
            ),
            params={
                "title": locked.title,
                "when": local_time(locked.starts_at),
                "venue": locked.venue.name,
            },
            link=session_link(locked),
            reference=locked.reference,
        )
    audit.record(
        "session.updated",
        locked,
        actor=actor,
        organisation=locked.organisation,
        data={"fields": sorted(changed), "cohosts_changed": cohosts_changed},
    )
    return locked


@transaction.atomic
def update_practical_details(
    session: Session, *, actor: User, version: int, changes: dict
) -> Session:
    """Co-hosts (and planners) keep the practical details up to date."""
    if not can_edit_practical_details(actor, session):
        raise PermissionDenied
    locked = lock_version(session, version)
    if locked.is_closed:
        raise ActionRefused(_("A session that took place or was cancelled cannot be changed."))
    changed = changes_to(locked, changes, PRACTICAL_FIELDS)
    save_changes(locked, changed, also=["updated_at"])
    audit.record(
        "session.practical_updated",
        locked,
        actor=actor,
        organisation=locked.organisation,
        data={"fields": sorted(changed)},
    )
    return locked


@transaction.atomic
def publish_session(session: Session, *, actor: User) -> Session:
    """Open a draft for registration."""
    if not can_edit_session(actor, session):
        raise PermissionDenied
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.status != Session.Status.DRAFT:
        raise ActionRefused(_("Only a draft can be published."))
    if locked.starts_at <= timezone.now():
        raise ActionRefused(_("This session lies in the past. Change the date first."))
    locked.status = Session.Status.PUBLISHED
    locked.published_at = timezone.now()
    save_new_version(locked, ["status", "published_at", "updated_at"])
    audit.record("session.published", locked, actor=actor, organisation=locked.organisation)
    return locked


@transaction.atomic
def cancel_session(session: Session, *, actor: User, reason: str) -> Session:
    """Cancel a session and tell everyone who registered people for it."""
    if not can_edit_session(actor, session):
        raise PermissionDenied
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.is_closed:
        raise ActionRefused(_("This session has already taken place or was cancelled."))
    reason = reason.strip()
    if not reason:
        raise ActionRefused(_("Say briefly why the session is cancelled."))
    locked.status = Session.Status.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancellation_reason = reason
    save_new_version(locked, ["status", "cancelled_at", "cancellation_reason", "updated_at"])
    recipients = registered_users(locked)
    notify(
        recipients,
        kind="session.cancelled",
        text=gettext_lazy(
            'The information session "%(title)s" of %(when)s is cancelled. '
            "Please tell the people you registered."
        ),
        params={"title": locked.title, "when": local_time(locked.starts_at)},
        link=session_link(locked),
        reference=locked.reference,
    )
    audit.record(
        "session.cancelled",
        locked,
        actor=actor,
        organisation=locked.organisation,
        data={"notified": len(recipients)},
    )
    return locked


def _check_material(title: str, file) -> None:
    if not title.strip():
        raise ActionRefused(_("Give the file a title."))
    extension = PurePath(file.name).suffix.lower().lstrip(".")
    if extension not in MATERIAL_EXTENSIONS:
        raise ActionRefused(
            _("This kind of file cannot be added. Allowed: %(kinds)s.")
            % {"kinds": ", ".join(MATERIAL_EXTENSIONS)}
        )
    if file.size > MAX_MATERIAL_BYTES:
        raise ActionRefused(_("The file is too large (at most 10 MB)."))


@transaction.atomic
def add_material(session: Session, *, actor: User, title: str, file) -> Material:
    """Attach a file (slides, a leaflet) to a session."""
    if not can_edit_practical_details(actor, session):
        raise PermissionDenied
    if session.status == Session.Status.CANCELLED:
        raise ActionRefused(_("This session was cancelled."))
    _check_material(title, file)
    material = Material.objects.create(
        session=session, title=title.strip(), file=file, uploaded_by=actor
    )
    audit.record(
        "session.material_added",
        session,
        actor=actor,
        organisation=session.organisation,
        data={"material": material.pk},
    )
    return material


@transaction.atomic
def remove_material(material: Material, *, actor: User) -> None:
    session = material.session
    if not can_edit_practical_details(actor, session):
        raise PermissionDenied
    audit.record(
        "session.material_removed",
        session,
        actor=actor,
        organisation=session.organisation,
        data={"material": material.pk, "title": material.title},
    )
    stored = material.file
    material.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
