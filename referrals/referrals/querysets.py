"""Reads and visibility of referrals: the one place that decides who sees which referral."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from portal.core.models import User


def team_ids_of(user: User) -> list[int]:
    """The teams a person is in: one small query, then plain id lists in SQL."""
    from partners.models import Membership

    return list(Membership.objects.filter(user=user).order_by().values_list("team_id", flat=True))


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ReferralQuerySet:
        """Referrals of the person's teams, as referrer or as receiver, plus exceptions.

        A draft is the referrer's alone: it is routed, but nothing of it (the
        client's details included) reaches the receiving team before it is
        submitted with the client's consent.

        Exceptions are per-referral guardian grants (an extra team it is shared
        with, an accompanying worker of another organisation); they are few, so
        their ids are read first and joined as a literal list.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        teams = team_ids_of(user)
        condition = models.Q(referring_team_id__in=teams) | (
            models.Q(receiving_team_id__in=teams) & ~models.Q(status="draft")
        )
        exceptions = self._exception_ids(user, teams)
        if exceptions:
            condition |= models.Q(pk__in=exceptions)
        if not teams and not exceptions:
            return self.none()
        return self.filter(condition)

    def sent_by(self, user: User) -> ReferralQuerySet:
        """The person's teams' own referrals, as referrer (partner's "my referrals")."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(referring_team_id__in=team_ids_of(user))

    def inbox_of(self, user: User) -> ReferralQuerySet:
        """Referrals routed to the person's teams (OCMW inbox); drafts are never routed."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(receiving_team_id__in=team_ids_of(user)).exclude(status="draft")

    @staticmethod
    def _exception_ids(user: User, teams: list[int]) -> list[int]:
        from partners.models import Team
        from referrals.referrals.models import (
            ReferralGroupObjectPermission,
            ReferralUserObjectPermission,
        )

        groups = Team.objects.filter(pk__in=teams).values("group_id")
        personal = ReferralUserObjectPermission.objects.filter(user=user).values_list(
            "content_object_id", flat=True
        )
        shared = ReferralGroupObjectPermission.objects.filter(group_id__in=groups).values_list(
            "content_object_id", flat=True
        )
        return list(personal.union(shared))

    def for_sent_list(self) -> ReferralQuerySet:
        """The columns the referrer's list shows, and no others: the list is the most
        requested page, and fetching and converting unused columns is most of its cost."""
        return self.select_related("client", "receiving_team", "consent").only(
            "status",
            "created_at",
            "client__full_name",
            "receiving_team__name",
            "consent__withdrawn_at",
            "consent__feedback",
        )

    def for_inbox(self) -> ReferralQuerySet:
        """The columns the OCMW inbox shows, and no others (see ``for_sent_list``)."""
        return self.select_related(
            "client__postcode", "referring_team__organisation", "assigned_to"
        ).only(
            "status",
            "reason",
            "submitted_at",
            "acknowledged_at",
            "supply_limited",
            "lac_letter_received",
            "client__full_name",
            "client__postcode__code",
            "client__postcode__name",
            "referring_team__organisation__name",
            "assigned_to__full_name",
        )

    def for_lists(self) -> ReferralQuerySet:
        return self.select_related(
            "client__postcode",
            "referring_team__organisation",
            "receiving_team",
            "receiving_ocmw",
            "assigned_to",
        )
