"""Every change to a referral. Each service takes the acting user, checks the
rule, checks the state and the version (optimistic locking), writes in one
transaction, appends to the timeline, writes the audit log and notifies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Team
from partners.principal import as_principal, is_member_of_team, people_in_team
from portal.core import audit
from portal.core.exceptions import ActionRefused
from portal.core.models import User
from portal.core.notifications import notify
from portal.core.versions import lock_version, save_new_version
from referrals.cases.services import link_referral
from referrals.referrals import routing, webhooks
from referrals.referrals.models import (
    OPEN_STATUSES,
    REFUSAL_EXPLAINED,
    Client,
    Consent,
    Referral,
    TimelineEntry,
)
from referrals.referrals.permissions import (
    can_refer_to,
    coordinates_receiving_team,
    is_receiver,
    is_referrer,
    referrer_sees_status,
)

S = Referral.Status

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({S.DRAFT}), S.SUBMITTED),
    "acknowledge": (frozenset({S.SUBMITTED}), S.ACKNOWLEDGED),
    "record_contact": (frozenset({S.ACKNOWLEDGED}), S.CONTACT_MADE),
    "plan_appointment": (frozenset({S.ACKNOWLEDGED, S.CONTACT_MADE, S.APPOINTMENT}), S.APPOINTMENT),
    "close": (frozenset({S.ACKNOWLEDGED, S.CONTACT_MADE, S.APPOINTMENT}), S.CLOSED),
    "refuse": (frozenset({S.SUBMITTED, S.ACKNOWLEDGED}), S.REFUSED),
    "withdraw": (frozenset({S.DRAFT, *OPEN_STATUSES}), S.WITHDRAWN),
    "transfer": (frozenset({S.SUBMITTED, S.ACKNOWLEDGED}), S.SUBMITTED),
    "expire": (frozenset({S.SUBMITTED}), S.EXPIRED),
}


def allowed(referral: Referral, action: str) -> bool:
    return referral.status in TRANSITIONS[action][0]


def _link(referral: Referral) -> str:
    return reverse("referral_detail", args=[referral.pk])


def _lock(referral: Referral, version: int, action: str) -> Referral:
    """Lock the row, then refuse stale versions and impossible transitions."""
    related = ["receiving_team__organisation", "referring_team", "client"]
    locked = lock_version(referral, version, related=related)
    if action in TRANSITIONS and not allowed(locked, action):
        raise ActionRefused(
            _("This is not possible while the referral is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _move(
    referral: Referral,
    *,
    actor: User | None,
    action: str,
    message: str = "",
    visible_to_referrer: bool = True,
    fields: dict | None = None,
) -> Referral:
    """Apply a transition (or a plain update when ``action`` has none) and log it."""
    previous = referral.status
    changed = dict(fields or {})
    if action in TRANSITIONS:
        changed["status"] = TRANSITIONS[action][1]
    for name, value in changed.items():
        setattr(referral, name, value)
    save_new_version(referral, [*changed])
    TimelineEntry.objects.create(
        referral=referral,
        actor=actor,
        action=action,
        from_status=previous,
        to_status=referral.status,
        message=message,
        visible_to_referrer=visible_to_referrer,
    )
    audit.record(
        f"referral.{action}",
        referral,
        actor=actor,
        organisation=referral.receiving_ocmw,
        data={"from": previous, "to": referral.status},
    )
    webhooks.referral_event(referral, action)
    return referral


def _team_members(team_id: int, *, role: str | None = None):
    return people_in_team(team_id, role=role)


def _tell_referrer(referral: Referral, text, **params) -> None:
    """Status news for the referrer, only while the client's consent allows feedback.
    ``text`` is a lazy message; ``%(ref)s`` in it is the referral's reference."""
    if referrer_sees_status(referral):
        notify(
            [referral.created_by],
            kind="referral.status",
            text=text,
            params={"ref": referral.reference, **params},
            link=_link(referral),
            reference=referral.reference,
        )


def _tell_receivers(referral: Referral, text, *, kind: str = "referral.news", **params) -> None:
    recipients = list(_team_members(referral.receiving_team_id))
    notify(
        recipients,
        kind=kind,
        text=text,
        params={"ref": referral.reference, **params},
        link=_link(referral),
        reference=referral.reference,
    )


def _require_receiver(actor: User, referral: Referral) -> None:
    if not is_receiver(actor, referral):
        raise PermissionDenied


def _require_referrer(actor: User, referral: Referral) -> None:
    if not is_referrer(actor, referral):
        raise PermissionDenied


# Creating and submitting -----------------------------------------------------


def possible_duplicates(referral: Referral):
    """Open referrals for the same person (name and address) at the same OCMW."""
    return (
        Referral.objects.filter(
            receiving_ocmw_id=referral.receiving_ocmw_id,
            client__full_name__iexact=referral.client.full_name,
            client__street__iexact=referral.client.street,
            client__postcode_id=referral.client.postcode_id,
            status__in=OPEN_STATUSES,
        )
        .exclude(pk=referral.pk)
        .order_by("submitted_at")
    )


@transaction.atomic
def create_referral(
    *,
    actor: User,
    team: Team,
    client: dict,
    referral: dict,
    consent: dict | None,
    submit: bool,
) -> Referral:
    """Register a client and a referral for them; submit it at once or keep a draft.

    Routing follows the client's postcode. The referring team must hold the
    right to refer to that OCMW (an active agreement, or being one of its own
    internal teams); submitting needs complete consent.
    """
    if not (team.submits_referrals and as_principal(actor).is_in_team(team.pk)):
        raise PermissionDenied
    ocmw = routing.ocmw_for(client["postcode"])
    if not can_refer_to(actor, ocmw):
        raise ActionRefused(
            _(
                "Your organisation has no agreement with %(ocmw)s to send referrals. "
                "The client can contact them directly: %(contact)s."
            )
            % {"ocmw": ocmw.name, "contact": routing.contact_line(ocmw)}
        )
    receiving_team = routing.receiving_team_for(ocmw, referral["reason"])
    client_row = Client.objects.create(registered_by_team=team, **client)
    row = Referral.objects.create(
        client=client_row,
        referring_team=team,
        created_by=actor,
        receiving_ocmw=ocmw,
        receiving_team=receiving_team,
        **referral,
    )
    if consent is not None:
        Consent.objects.create(referral=row, recorded_by=actor, **consent)
    TimelineEntry.objects.create(
        referral=row, actor=actor, action="create", to_status=row.status, visible_to_referrer=True
    )
    audit.record("referral.create", row, actor=actor, organisation=ocmw)
    if submit:
        _submit(row, actor=actor)
    return row


def _submit(referral: Referral, *, actor: User) -> Referral:
    consent = Consent.objects.filter(referral=referral).first()
    if consent is None or not consent.is_complete:
        raise ActionRefused(
            _(
                "First record the client's consent: they agree that the OCMW receives "
                "their details and may contact them."
            )
        )
    _move(referral, actor=actor, action="submit", fields={"submitted_at": timezone.now()})
    # A client already known at this OCMW (e.g. on the LAC list) joins that case.
    link_referral(referral)
    _tell_receivers(
        referral,
        gettext_lazy("New referral %(ref)s for your team."),
        kind="referral.new",
    )
    return referral


@transaction.atomic
def submit_referral(referral: Referral, *, actor: User, version: int) -> Referral:
    _require_referrer(actor, referral)
    referral = _lock(referral, version, "submit")
    if not can_refer_to(actor, referral.receiving_ocmw):
        raise ActionRefused(
            _("Your organisation has no agreement with %(ocmw)s to send referrals.")
            % {"ocmw": referral.receiving_ocmw.name}
        )
    return _submit(referral, actor=actor)


# The OCMW side ---------------------------------------------------------------


@transaction.atomic
def acknowledge_referral(referral: Referral, *, actor: User, version: int) -> Referral:
    """The receiving team confirms it has the referral; the partner sees that."""
    _require_receiver(actor, referral)
    referral = _lock(referral, version, "acknowledge")
    _move(referral, actor=actor, action="acknowledge", fields={"acknowledged_at": timezone.now()})
    _tell_referrer(referral, gettext_lazy("The OCMW has received referral %(ref)s."))
    return referral


def open_load(team: Team) -> list[tuple[User, int]]:
    """Each member of a team with their number of open referrals (for assignment)."""
    from django.db.models import Count

    members = (
        people_in_team(team.pk)
        .annotate(
            open_count=Count(
                "referrals_assigned",
                filter=Q(referrals_assigned__status__in=OPEN_STATUSES),
                distinct=True,
            )
        )
        .order_by("full_name")
    )
    return [(member, member.open_count) for member in members]


@transaction.atomic
def assign_referral(referral: Referral, *, actor: User, worker: User, version: int) -> Referral:
    """The coordinator assigns a worker; a worker may also take an unassigned referral."""
    referral = _lock(referral, version, "assign")
    if not referral.is_open:
        raise ActionRefused(_("Only an open referral can be assigned."))
    self_assign = worker.pk == actor.pk and referral.assigned_to_id is None
    if not (
        coordinates_receiving_team(actor, referral)
        or (self_assign and is_receiver(actor, referral))
    ):
        raise PermissionDenied
    if not is_member_of_team(worker.pk, referral.receiving_team_id):
        raise ActionRefused(_("You can only assign someone of the receiving team."))
    _move(
        referral,
        actor=actor,
        action="assign",
        message=worker.full_name,
        visible_to_referrer=False,
        fields={"assigned_to": worker},
    )
    if worker.pk != actor.pk:
        notify(
            [worker],
            kind="referral.assigned",
            text=gettext_lazy("Referral %(ref)s was assigned to you."),
            params={"ref": referral.reference},
            link=_link(referral),
            reference=referral.reference,
        )
    return referral


def _contact_made(
    referral: Referral,
    *,
    actor: User,
    message: str = "",
    share: bool = False,
    at: datetime | None = None,
) -> Referral:
    """Contact made, on a referral locked and checked already: the status, the
    timeline, the audit log, the webhook and the referrer's news."""
    _move(
        referral,
        actor=actor,
        action="record_contact",
        message=message if share else "",
        fields={"first_contact_at": referral.first_contact_at or at or timezone.now()},
    )
    if message and not share:
        _note(referral, actor=actor, text=message, visible_to_referrer=False)
    _tell_referrer(referral, gettext_lazy("The OCMW has made contact for referral %(ref)s."))
    return referral


@transaction.atomic
def record_contact(
    referral: Referral, *, actor: User, version: int, message: str = "", share: bool = False
) -> Referral:
    """A worker of the receiving team says the client was reached."""
    _require_receiver(actor, referral)
    referral = _lock(referral, version, "record_contact")
    return _contact_made(referral, actor=actor, message=message, share=share)


# Waiting referrals that reaching the client on their case moves to "contact made".
FOLLOWS_CASE_CONTACT = frozenset({S.SUBMITTED, S.ACKNOWLEDGED})


@transaction.atomic
def follow_client_reached(
    referral_ids: Iterable[int], *, ocmw_id: int, actor: User, at: datetime
) -> list[Referral]:
    """The OCMW reached the client on the case these referrals are linked to: those
    still waiting at that OCMW show "contact made" to their referrer, as if the worker
    had said so on each. Called by the writer of contact attempts, whose caller checked
    that ``actor`` may work on the case; that, not a place in the receiving team, is
    what allows it. The referrer hears only that contact was made, nothing of the case.

    An attempt that ended in an appointment also counts as contact made only: it has no
    moment or place for the appointment, which the referrer who comes along needs."""
    waiting = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("receiving_team__organisation", "referring_team", "client", "consent")
        .filter(pk__in=list(referral_ids), receiving_ocmw_id=ocmw_id)
        .filter(status__in=FOLLOWS_CASE_CONTACT)
        .order_by("pk")
    )
    # ``at`` may lie before the referral was sent (an attempt logged late).
    return [
        _contact_made(referral, actor=actor, at=max(at, referral.submitted_at or at))
        for referral in waiting
    ]


@transaction.atomic
def plan_appointment(
    referral: Referral,
    *,
    actor: User,
    version: int,
    at: datetime,
    place: str,
    message: str = "",
) -> Referral:
    """The referrer sees the moment and place only if they offered to come along."""
    _require_receiver(actor, referral)
    referral = _lock(referral, version, "plan_appointment")
    if at <= timezone.now():
        raise ActionRefused(_("The appointment must be in the future."))
    _move(
        referral,
        actor=actor,
        action="plan_appointment",
        message=message,
        fields={
            "appointment_at": at,
            "appointment_place": place,
            "first_contact_at": referral.first_contact_at or timezone.now(),
        },
    )
    _tell_referrer(
        referral,
        gettext_lazy("An appointment is planned for referral %(ref)s."),
    )
    return referral


@transaction.atomic
def close_referral(
    referral: Referral, *, actor: User, version: int, outcome: str, message: str = ""
) -> Referral:
    _require_receiver(actor, referral)
    referral = _lock(referral, version, "close")
    if outcome not in Referral.Outcome.values:
        raise ActionRefused(_("Choose how the referral ended."))
    _move(
        referral,
        actor=actor,
        action="close",
        message=message,
        fields={"outcome": outcome, "closed_at": timezone.now()},
    )
    _tell_referrer(referral, gettext_lazy("Referral %(ref)s is closed."))
    return referral


@transaction.atomic
def refuse_referral(
    referral: Referral, *, actor: User, version: int, reason: str, message: str = ""
) -> Referral:
    """Not taken on, with a structured reason. Not our area? Transfer it instead."""
    _require_receiver(actor, referral)
    referral = _lock(referral, version, "refuse")
    if reason not in Referral.RefusalReason.values:
        raise ActionRefused(_("Choose why the referral is not taken on."))
    if reason == Referral.RefusalReason.NOT_OUR_AREA:
        raise ActionRefused(
            _("When the client lives elsewhere, transfer the referral to the right OCMW instead.")
        )
    _move(
        referral,
        actor=actor,
        action="refuse",
        message=message,
        fields={"refusal_reason": reason, "closed_at": timezone.now()},
    )
    why, next_step = REFUSAL_EXPLAINED[Referral.RefusalReason(reason)]
    _tell_referrer(
        referral,
        gettext_lazy("Referral %(ref)s was not taken on. %(why)s %(next_step)s"),
        why=why,
        next_step=next_step,
    )
    return referral


@transaction.atomic
def transfer_referral(
    referral: Referral, *, actor: User, version: int, to_team: Team, message: str = ""
) -> Referral:
    """Move the referral to another receiving team (of this or another OCMW).

    Visibility follows the foreign key: the old team loses it, the new one gets it.
    """
    _require_receiver(actor, referral)
    referral = _lock(referral, version, "transfer")
    if not to_team.receives_referrals or not to_team.organisation.is_ocmw:
        raise ActionRefused(_("That team does not receive referrals."))
    if to_team.pk == referral.receiving_team_id:
        raise ActionRefused(_("The referral is already with that team."))
    _move(
        referral,
        actor=actor,
        action="transfer",
        message=message,
        visible_to_referrer=True,
        fields={
            "receiving_team": to_team,
            "receiving_ocmw": to_team.organisation,
            "assigned_to": None,
            "acknowledged_at": None,
            "submitted_at": timezone.now(),
            "reminded_at": None,
            "escalated_at": None,
        },
    )
    _tell_receivers(
        referral,
        gettext_lazy("Referral %(ref)s was transferred to your team."),
        kind="referral.new",
    )
    _tell_referrer(
        referral,
        gettext_lazy("Referral %(ref)s was passed on to %(ocmw)s."),
        ocmw=to_team.organisation.name,
    )
    return referral


# The referrer's side -----------------------------------------------------------


@transaction.atomic
def withdraw_referral(
    referral: Referral, *, actor: User, version: int, message: str = ""
) -> Referral:
    _require_referrer(actor, referral)
    referral = _lock(referral, version, "withdraw")
    was_submitted = referral.status != S.DRAFT
    _move(
        referral,
        actor=actor,
        action="withdraw",
        message=message,
        fields={"closed_at": timezone.now()},
    )
    if was_submitted:
        _tell_receivers(referral, gettext_lazy("Referral %(ref)s was withdrawn."))
    return referral


@transaction.atomic
def withdraw_consent(referral: Referral, *, actor: User, version: int) -> Referral:
    """The client takes back consent: feedback stops and the OCMW is told."""
    _require_referrer(actor, referral)
    referral = _lock(referral, version, "withdraw_consent")
    consent = Consent.objects.select_for_update().filter(referral=referral).first()
    if consent is None or consent.withdrawn_at is not None:
        raise ActionRefused(_("There is no consent to withdraw."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    _move(referral, actor=actor, action="withdraw_consent", visible_to_referrer=True)
    if referral.status != S.DRAFT:
        _tell_receivers(
            referral,
            gettext_lazy(
                "The client withdrew consent for referral %(ref)s. Do not contact them for it."
            ),
        )
    return referral


# Messages ----------------------------------------------------------------------


def _note(referral: Referral, *, actor: User, text: str, visible_to_referrer: bool) -> None:
    TimelineEntry.objects.create(
        referral=referral,
        actor=actor,
        action="message",
        message=text,
        visible_to_referrer=visible_to_referrer,
    )


@transaction.atomic
def post_message(
    referral: Referral, *, actor: User, text: str, visible_to_referrer: bool
) -> TimelineEntry:
    """A short message on the timeline. Only the OCMW can mark one visible to the
    partner; the referrer's messages are always visible to both sides."""
    text = text.strip()
    if not text:
        raise ActionRefused(_("Write a message first."))
    receiver = is_receiver(actor, referral)
    if not receiver and not is_referrer(actor, referral):
        raise PermissionDenied
    shared = visible_to_referrer or not receiver
    entry = TimelineEntry.objects.create(
        referral=referral,
        actor=actor,
        action="message",
        message=text,
        visible_to_referrer=shared,
    )
    audit.record("referral.message", referral, actor=actor, organisation=referral.receiving_ocmw)
    if receiver and shared:
        _tell_referrer(referral, gettext_lazy("New message about referral %(ref)s."))
    elif not receiver:
        _tell_receivers(referral, gettext_lazy("The partner wrote about referral %(ref)s."))
    return entry


# Deadlines ---------------------------------------------------------------------


def working_days_between(start: datetime, end: datetime) -> int:
    """Whole working days (Monday to Friday) from ``start`` to ``end``."""
    from datetime import timedelta

    day, last = timezone.localdate(start), timezone.localdate(end)
    count = 0
    while day < last:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count


@transaction.atomic
def process_deadlines(*, now: datetime | None = None) -> dict[str, int]:
    """Remind the team, escalate to its coordinator, then expire referrals nobody
    acknowledged, following each OCMW's response policy. Safe to run often."""
    from referrals.referrals.models import ResponsePolicy

    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0, "expired": 0}
    waiting = (
        Referral.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=S.SUBMITTED)
        .select_related("receiving_ocmw", "created_by", "consent")
    )
    policies = {p.ocmw_id: p for p in ResponsePolicy.objects.all()}
    default = ResponsePolicy()
    for referral in waiting:
        if referral.submitted_at is None:  # only submitted referrals wait
            continue
        policy = policies.get(referral.receiving_ocmw_id, default)
        age = working_days_between(referral.submitted_at, now)
        if age >= policy.expire_after_days:
            _move(referral, actor=None, action="expire", fields={"closed_at": now})
            _tell_receivers(
                referral,
                gettext_lazy("Referral %(ref)s expired: nobody took it on."),
            )
            _tell_referrer(
                referral,
                gettext_lazy(
                    "Referral %(ref)s expired: the OCMW did not react in time. "
                    "Please contact the OCMW."
                ),
            )
            counts["expired"] += 1
        elif age >= policy.escalate_after_days and referral.escalated_at is None:
            coordinators = _team_members(referral.receiving_team_id, role="coordinator")
            notify(
                coordinators,
                kind="referral.escalation",
                text=gettext_lazy(
                    "Referral %(ref)s has waited %(days)s working days for your team."
                ),
                params={"ref": referral.reference, "days": age},
                link=_link(referral),
                reference=referral.reference,
            )
            Referral.objects.filter(pk=referral.pk).update(escalated_at=now)
            counts["escalated"] += 1
        elif age >= policy.remind_after_days and referral.reminded_at is None:
            _tell_receivers(
                referral,
                gettext_lazy("Reminder: referral %(ref)s is waiting for your team."),
                kind="referral.reminder",
            )
            Referral.objects.filter(pk=referral.pk).update(reminded_at=now)
            counts["reminded"] += 1
    return counts
