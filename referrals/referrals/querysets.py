"""Reads and visibility of referrals: the one place that decides who sees which referral."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from partners.principal import Principal, as_principal

if TYPE_CHECKING:
    from portal.core.models import User


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, who: Principal | User) -> ReferralQuerySet:
        """Referrals of the person's teams, as referrer or as receiver, plus exceptions.

        A draft is the referrer's alone: it is routed, but nothing of it (the
        client's details included) reaches the receiving team before it is
        submitted with the client's consent.

        Exceptions are per-referral guardian grants (an extra team it is shared
        with, an accompanying worker of another organisation); the principal
        reads them with the other grants, and they are few, so they join as a
        literal list.
        """
        principal = as_principal(who)
        teams = principal.team_ids
        exceptions = principal.object_ids("referral")
        if not teams and not exceptions:
            return self.none()
        condition = models.Q(referring_team_id__in=teams) | (
            models.Q(receiving_team_id__in=teams) & ~models.Q(status="draft")
        )
        if exceptions:
            condition |= models.Q(pk__in=exceptions)
        return self.filter(condition)

    def sent_by(self, who: Principal | User) -> ReferralQuerySet:
        """The person's teams' own referrals, as referrer (partner's "my referrals")."""
        teams = as_principal(who).team_ids
        return self.filter(referring_team_id__in=teams) if teams else self.none()

    def inbox_of(self, who: Principal | User) -> ReferralQuerySet:
        """Referrals routed to the person's teams (OCMW inbox); drafts are never routed."""
        teams = as_principal(who).team_ids
        if not teams:
            return self.none()
        return self.filter(receiving_team_id__in=teams).exclude(status="draft")

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

    def oldest_waiting_first(self) -> ReferralQuerySet:
        """The inbox's order: not yet acknowledged first, then by how long they wait."""
        return self.order_by(
            models.F("acknowledged_at").asc(nulls_first=True), "submitted_at", "pk"
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
