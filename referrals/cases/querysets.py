"""Reads and visibility of referrals: the one place that decides who sees which referral."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from portal.core.models import User


def arrears_ocmw_ids(user: User) -> list[int]:
    """OCMWs whose arrears the person may read: the guardian grants of their teams.

    Only arrears-handling teams hold ``view_arrears`` (see partners.grants), so
    this is the one source for every case, arrears and LAC query.
    """
    from partners.models import OrganisationGroupObjectPermission

    if not user.is_authenticated or not user.is_active:
        return []
    return list(
        OrganisationGroupObjectPermission.objects.filter(
            group__user=user, permission__codename="view_arrears"
        )
        .order_by()
        .values_list("content_object_id", flat=True)
        .distinct()
    )


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CaseQuerySet:
        """Cases of the OCMWs whose arrears the person handles; nothing for anyone else."""
        ocmws = arrears_ocmw_ids(user)
        return self.filter(ocmw_id__in=ocmws) if ocmws else self.none()


class LacSessionQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> LacSessionQuerySet:
        ocmws = arrears_ocmw_ids(user)
        return self.filter(ocmw_id__in=ocmws) if ocmws else self.none()
