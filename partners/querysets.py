"""Reads and visibility for the partner network."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from partners.models import Organisation  # noqa: F401  (named in the queryset base below)
    from partners.principal import Principal
    from portal.core.models import User


def _principal(who: Principal | User) -> Principal:
    # partners.principal reads these models, which read this module: import when asked.
    from partners.principal import as_principal

    return as_principal(who)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: User) -> OrganisationQuerySet:
        """The directory: every logged-in person sees every organisation's public profile."""
        if not user.is_authenticated:
            return self.none()
        return self.all()

    def for_directory(self) -> OrganisationQuerySet:
        """In the directory's order, with what its rows show."""
        return self.select_related("postcode").order_by("name", "pk")

    def search(self, text: str) -> OrganisationQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text)
            | models.Q(description__icontains=text)
            | models.Q(postcode__name__icontains=text)
            | models.Q(postcode__code=text)
        )

    def in_municipality(self, municipality_id: int) -> OrganisationQuerySet:
        """Organisations located in, or (for an OCMW) serving, a municipality."""
        served = self.model.serves.through.objects.filter(
            organisation_id=models.OuterRef("pk"), municipality_id=municipality_id
        )
        return self.filter(
            models.Q(postcode__municipality_id=municipality_id) | models.Exists(served)
        )

    def with_word(self, field: str, code: str) -> OrganisationQuerySet:
        """Match one code in a space-separated field (languages, offers)."""
        return self.filter(**{f"{field}__regex": rf"(^| ){code}( |$)"})

    def for_member(self, who: Principal | User) -> OrganisationQuerySet:
        """Organisations in which the person belongs to at least one team."""
        ids = _principal(who).organisation_ids
        return self.filter(pk__in=ids) if ids else self.none()

    def managed_by(self, who: Principal | User) -> OrganisationQuerySet:
        """Organisations whose members the person may manage (organisation admins)."""
        ids = _principal(who).managed_organisation_ids
        return self.filter(pk__in=ids) if ids else self.none()


class TeamQuerySet(models.QuerySet):
    def for_member(self, who: Principal | User) -> TeamQuerySet:
        ids = _principal(who).team_ids
        return self.filter(pk__in=ids) if ids else self.none()


class MembershipQuerySet(models.QuerySet):
    pass


class AgreementQuerySet(models.QuerySet):
    def active(self, on=None) -> AgreementQuerySet:
        """Confirmed, not ended, and valid on ``on`` (today by default)."""
        day = on or timezone.localdate()
        return self.filter(
            confirmed_at__isnull=False,
            ended_at__isnull=True,
            valid_from__lte=day,
        ).filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day))

    def visible_to(self, user: User) -> AgreementQuerySet:
        """Agreements of the organisations a person belongs to, in any state."""
        if not user.is_authenticated:
            return self.none()
        from partners.models import Organisation

        return self.involving(Organisation.objects.for_member(user).values("pk"))

    def for_list(self) -> AgreementQuerySet:
        """Running ones first, newest proposal first, with what the list shows."""
        return self.select_related("ocmw", "partner", "proposed_by").order_by(
            "ended_at", "-proposed_at"
        )

    def involving(self, organisation_ids) -> AgreementQuerySet:
        return self.filter(
            models.Q(ocmw_id__in=organisation_ids) | models.Q(partner_id__in=organisation_ids)
        )
