"""Reads of outreach: who sees which home visits."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models

from partners.principal import Principal, as_principal


def partner_contact_help(who: Principal | object, limit: int = 10) -> models.QuerySet:
    """What a partner may know of outreach: that an attempt through their organisation
    happened, and when; never with whom or how it went."""
    from partners.models import Organisation
    from referrals.outreach.models import ContactAttempt

    organisations = Organisation.objects.for_member(who).values("pk")
    return (
        ContactAttempt.objects.filter(partner_id__in=organisations, channel="via_partner")
        .order_by("-moment")
        .values_list("moment", flat=True)[:limit]
    )


class HomeVisitQuerySet(models.QuerySet):
    def visible_to(self, who: Principal | object) -> HomeVisitQuerySet:
        """The arrears teams of the OCMW that owns the case see its visits."""
        ocmws = as_principal(who).arrears_ocmw_ids
        return self.filter(ocmw_id__in=ocmws) if ocmws else self.none()

    def on_the_board(self, today: date) -> HomeVisitQuerySet:
        """Visits still to start or under way, from today to tomorrow, ending soonest first."""
        return (
            self.filter(status__in=[self.model.Status.PLANNED, self.model.Status.ON_SITE])
            .filter(window_start__date__lte=today + timedelta(days=1))
            .select_related("worker", "second_worker", "case")
            .order_by("window_end")
        )
