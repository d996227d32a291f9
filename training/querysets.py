"""Reads and visibility for information sessions: the one place that decides
who sees which session, registration and request.

A person's principal (``partners.principal``: their teams, their organisations
and the organisations they plan sessions for) is read once per request; lists then filter on
indexed foreign keys with plain id lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import models
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.utils import timezone

from partners.principal import Principal, as_principal

if TYPE_CHECKING:
    from portal.core.models import User


PUBLIC_STATUSES = ("published", "full", "held", "cancelled")


def nearby_ocmws(scope: Principal) -> tuple[models.QuerySet, models.QuerySet]:
    """The OCMWs a person's organisations work with, as two small indexed subqueries:
    their own OCMW (for an internal service, the OCMW it is part of) and, for a partner,
    the OCMWs it has an active agreement with. Use with ``_in_any``."""
    from partners.models import Agreement, Organisation

    own = (
        Organisation.objects.filter(pk__in=scope.organisation_ids)
        .annotate(
            ocmw=models.Case(
                models.When(kind=Organisation.Kind.OCMW, then="pk"),
                models.When(kind=Organisation.Kind.INTERNAL, then="parent_id"),
            )
        )
        .values("ocmw")
    )
    agreed = (
        Agreement.objects.active().filter(partner_id__in=scope.organisation_ids).values("ocmw_id")
    )
    return own, agreed


def _in_any(field: str, subqueries: Iterable[models.QuerySet]) -> models.Q:
    # One IN per subquery rather than a subquery of their union: each stays an index scan.
    condition = models.Q()
    for subquery in subqueries:
        condition |= models.Q(**{f"{field}__in": subquery})
    return condition


def _places(status: str) -> Coalesce:
    from training.models import Registration

    total = (
        Registration.objects.filter(session=models.OuterRef("pk"), status=status)
        .order_by()
        .values("session")
        .annotate(total=models.Sum("places"))
        .values("total")
    )
    return Coalesce(models.Subquery(total), 0)


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user: User, scope: Principal | None = None) -> SessionQuerySet:
        """Published (and later) sessions for every member of an organisation; drafts
        only for the planners, the organising team and the co-hosts."""
        from training.models import CoHost

        scope = scope or as_principal(user)
        if not scope.is_member:
            return self.none()
        cohosted = CoHost.objects.filter(organisation_id__in=scope.organisation_ids).values(
            "session_id"
        )
        return self.filter(
            models.Q(status__in=PUBLIC_STATUSES)
            | models.Q(organisation_id__in=scope.planning_organisation_ids)
            | models.Q(organising_team_id__in=scope.team_ids)
            | models.Q(pk__in=cohosted)
        )

    def organised_by(self, scope: Principal) -> SessionQuerySet:
        """Sessions the person organises: as a planner of the organisation or in the team."""
        return self.filter(
            models.Q(organisation_id__in=scope.planning_organisation_ids)
            | models.Q(organising_team_id__in=scope.team_ids)
        )

    def organised_or_cohosted_by(self, scope: Principal) -> SessionQuerySet:
        from training.models import CoHost

        cohosted = CoHost.objects.filter(organisation_id__in=scope.organisation_ids).values(
            "session_id"
        )
        return self.filter(
            models.Q(organisation_id__in=scope.planning_organisation_ids)
            | models.Q(organising_team_id__in=scope.team_ids)
            | models.Q(pk__in=cohosted)
        )

    def in_feed_of(self, user: User, scope: Principal | None = None) -> SessionQuerySet:
        """What a personal calendar feed shows: sessions the person organises, co-hosts
        or registered people for, among those they may see."""
        scope = scope or as_principal(user)
        if not scope.is_member:
            return self.none()
        cohosted, registered = _own_session_ids(scope)
        return self.visible_to(user, scope).filter(
            models.Q(organisation_id__in=scope.planning_organisation_ids)
            | models.Q(organising_team_id__in=scope.team_ids)
            | models.Q(pk__in=cohosted)
            | models.Q(pk__in=registered)
        )

    def near(self, scope: Principal) -> SessionQuerySet:
        """Sessions "near" a person: organised by the OCMWs their organisations work
        with (or by those OCMWs' internal services), or held in the municipalities those
        OCMWs serve; and the person's own sessions: those they organise, their
        organisations co-host or host, or they registered people for.

        A narrowing, never a widening: combine it with ``visible_to``."""
        from partners.models import Organisation
        from training.models import Venue

        ocmws = nearby_ocmws(scope)
        services = [Organisation.objects.filter(parent_id__in=ocmw).values("pk") for ocmw in ocmws]
        served = Organisation.serves.through.objects.filter(
            _in_any("organisation_id", ocmws)
        ).values("municipality_id")
        # A venue without a postcode of its own is at its organisation's address.
        venues = Venue.objects.filter(
            models.Q(postcode__municipality_id__in=served)
            | models.Q(organisation_id__in=scope.organisation_ids)
        ).values("pk")
        at_host = Venue.objects.filter(
            postcode__isnull=True, organisation__postcode__municipality_id__in=served
        ).values("pk")
        # Co-hosts are partners (permissions.cohost_candidates), never OCMWs: the only
        # co-hosts that make a session near are the person's own organisations.
        cohosted, registered = _own_session_ids(scope)
        return self.filter(
            _in_any("organisation_id", [*ocmws, *services])
            | models.Q(organisation_id__in=scope.planning_organisation_ids)
            | models.Q(organising_team_id__in=scope.team_ids)
            | models.Q(pk__in=cohosted)
            | _in_any("venue_id", [venues, at_host])
            | models.Q(pk__in=registered)
        )

    def on_day(self, day: date) -> SessionQuerySet:
        """Sessions that start on ``day`` (a local date)."""
        start = timezone.make_aware(datetime.combine(day, time.min))
        end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def first_per_day(self, limit: int) -> SessionQuerySet:
        """The first ``limit`` sessions of each local day (by start), each with
        ``day_total``, the number of sessions that day. Counted and ranked in SQL, in one
        query (``COUNT(*)`` and ``ROW_NUMBER()`` over a partition by day): however busy
        the month, at most ``limit`` rows a day leave the database."""
        day = TruncDate("starts_at")
        return (
            self.annotate(
                day_total=models.Window(models.Count("pk"), partition_by=[day]),
                day_rank=models.Window(
                    RowNumber(),
                    partition_by=[day],
                    order_by=[models.F("starts_at").asc(), models.F("pk").asc()],
                ),
            )
            .filter(day_rank__lte=limit)
            .order_by("starts_at", "pk")
        )

    def with_places(self) -> SessionQuerySet:
        """Annotate the confirmed and waiting places, counted in SQL."""
        return self.annotate(
            confirmed_places=_places("confirmed"), waiting_places=_places("waiting")
        )

    def for_listing(self) -> SessionQuerySet:
        """What every list shows, in one query plus one for the co-hosts."""
        from training.models import CoHost

        return (
            self.select_related("venue__postcode", "venue__organisation__postcode", "organisation")
            .prefetch_related(
                models.Prefetch("cohosts", queryset=CoHost.objects.select_related("organisation"))
            )
            .with_places()
        )

    def upcoming(self, now: datetime | None = None) -> SessionQuerySet:
        return self.filter(ends_at__gte=now or timezone.now())

    def past(self, now: datetime | None = None) -> SessionQuerySet:
        return self.filter(ends_at__lt=now or timezone.now())

    def with_topic(self, code: str) -> SessionQuerySet:
        """Match one code in the space-separated topics."""
        return self.filter(topics__regex=rf"(^| ){code}( |$)")

    def search(self, text: str) -> SessionQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(title__icontains=text)
            | models.Q(venue__name__icontains=text)
            | models.Q(venue__organisation__name__icontains=text)
        )


class RegistrationQuerySet(models.QuerySet):
    def visible_to(self, user: User, scope: Principal | None = None) -> RegistrationQuerySet:
        """Registrations (with names) are seen by the registering organisation and by
        the session's organiser (its planners and the organising team), nobody else."""
        scope = scope or as_principal(user)
        if not scope.is_member:
            return self.none()
        return self.filter(
            models.Q(organisation_id__in=scope.organisation_ids)
            | models.Q(session__organisation_id__in=scope.planning_organisation_ids)
            | models.Q(session__organising_team_id__in=scope.team_ids)
        )

    def active(self) -> RegistrationQuerySet:
        return self.exclude(status="cancelled")

    def for_attendance(self) -> RegistrationQuerySet:
        """The confirmed registrations, with the names the attendance form shows."""
        from training.models import Registration

        return self.filter(status=Registration.Status.CONFIRMED).select_related(
            "organisation", "participant_user"
        )

    def confirmed_places(self) -> int:
        return self.filter(status="confirmed").aggregate(total=Coalesce(models.Sum("places"), 0))[
            "total"
        ]

    def waiting_line(self) -> RegistrationQuerySet:
        return self.filter(status="waiting").order_by("created_at", "id")


class SessionRequestQuerySet(models.QuerySet):
    def visible_to(self, user: User, scope: Principal | None = None) -> SessionRequestQuerySet:
        """The asking organisation's members and the OCMW's planners."""
        scope = scope or as_principal(user)
        if not scope.is_member:
            return self.none()
        return self.filter(
            models.Q(organisation_id__in=scope.organisation_ids)
            | models.Q(ocmw_id__in=scope.planning_organisation_ids)
        )

    def for_list(self) -> SessionRequestQuerySet:
        """Newest first, with what the list shows."""
        return self.select_related("organisation", "ocmw", "venue", "session").order_by(
            "-created_at", "-pk"
        )


class VenueQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> VenueQuerySet:
        """Venues are public places: every member of an organisation sees them."""
        if not as_principal(user).is_member:
            return self.none()
        return self.all()

    def of_organisations(self, organisation_ids: Iterable[int]) -> VenueQuerySet:
        """The venues of these organisations, for the list of one's own venues."""
        return (
            self.filter(organisation_id__in=organisation_ids)
            .select_related("organisation", "postcode")
            .order_by("organisation__name", "name")
        )

    def usable_for(self, organisation) -> VenueQuerySet:
        """Where an OCMW can hold a session: its own venues, those of its internal
        services, and those of partners with an active agreement."""
        from partners.models import Agreement

        ocmw = organisation.owning_ocmw or organisation
        partners = Agreement.objects.active().filter(ocmw=ocmw).values("partner_id")
        return self.filter(is_active=True).filter(
            models.Q(organisation=ocmw)
            | models.Q(organisation__parent=ocmw)
            | models.Q(organisation_id__in=partners)
        )


class CalendarFeedQuerySet(models.QuerySet):
    def by_token(self, token: str) -> CalendarFeedQuerySet:
        from training.models import hash_feed_token

        return self.filter(token_hash=hash_feed_token(token))


def _own_session_ids(scope: Principal):
    """Subqueries of the sessions that are a person's own beyond organising them: those
    their organisations co-host, and those they registered people (or themselves) for."""
    from training.models import CoHost, Registration

    cohosted = CoHost.objects.filter(organisation_id__in=scope.organisation_ids).values(
        "session_id"
    )
    registered = (
        Registration.objects.filter(
            models.Q(registered_by_id=scope.user_id) | models.Q(participant_user_id=scope.user_id)
        )
        .exclude(status="cancelled")
        .values("session_id")
    )
    return cohosted, registered
