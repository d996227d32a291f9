"""After the session: attendance and the short evaluation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Organisation
from portal.core import audit
from portal.core.exceptions import ActionRefused
from portal.core.models import User
from portal.core.versions import save_new_version
from training.models import Evaluation, Registration, Session
from training.permissions import can_record_attendance, evaluating_organisation_ids


@transaction.atomic
def record_attendance(
    session: Session,
    *,
    actor: User,
    attended: dict[int, int] | None = None,
    walk_ins: int = 0,
    total: int | None = None,
) -> Session:
    """Record who came, per registration (plus people who came without one) or as
    one number, and mark the session as held."""
    if not can_record_attendance(actor, session):
        raise PermissionDenied
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.status in (Session.Status.CANCELLED, Session.Status.DRAFT):
        raise ActionRefused(_("Only a session that took place has attendance."))
    if not locked.has_started:
        raise ActionRefused(_("The session has not started yet."))
    if attended is not None:
        if walk_ins is None or walk_ins < 0:
            raise ActionRefused(_("Fill in a number of 0 or more."))
        registrations = list(
            Registration.objects.filter(session=locked, status=Registration.Status.CONFIRMED)
        )
        unknown = set(attended) - {r.pk for r in registrations}
        if unknown:
            raise ActionRefused(_("Some registrations do not belong to this session."))
        for registration in registrations:
            came = attended.get(registration.pk, 0)
            if not 0 <= came <= registration.places:
                raise ActionRefused(
                    _("At most %(places)s people came for a registration of %(places)s.")
                    % {"places": registration.places}
                )
            registration.attended = came
        Registration.objects.bulk_update(registrations, ["attended"])
        people = sum(r.attended or 0 for r in registrations) + walk_ins
        mode = "per_registration"
    else:
        if total is None or total < 0:
            raise ActionRefused(_("Fill in how many people came."))
        people, walk_ins, mode = total, 0, "count"
    locked.people_reached = people
    locked.walk_ins = walk_ins
    locked.attendance_recorded_at = timezone.now()
    locked.status = Session.Status.HELD
    save_new_version(
        locked, ["people_reached", "walk_ins", "attendance_recorded_at", "status", "updated_at"]
    )
    audit.record(
        "session.attendance_recorded",
        locked,
        actor=actor,
        organisation=locked.organisation,
        data={"people_reached": people, "mode": mode},
    )
    return locked


@transaction.atomic
def submit_evaluation(
    session: Session, *, actor: User, organisation: Organisation, useful: str, missing: str = ""
) -> Evaluation:
    """One short evaluation per involved organisation; sending again replaces it."""
    if organisation.pk not in evaluating_organisation_ids(actor, session):
        raise PermissionDenied
    if session.status == Session.Status.CANCELLED or not session.has_started:
        raise ActionRefused(_("You can evaluate a session once it has taken place."))
    if useful not in Evaluation.Usefulness.values:
        raise ActionRefused(_("Say whether the session was useful."))
    evaluation, created = Evaluation.objects.update_or_create(
        session=session,
        organisation=organisation,
        defaults={
            "useful": useful,
            "missing": missing.strip(),
            "submitted_by": actor,
            "submitted_at": timezone.now(),
        },
    )
    audit.record(
        "session.evaluated",
        session,
        actor=actor,
        organisation=organisation,
        data={"useful": useful, "replaced": not created},
    )
    return evaluation
