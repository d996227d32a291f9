"""Reads and visibility of cases and LAC sessions: arrears data, for the OCMW's
arrears-handling teams only (the principal's ``arrears_ocmw_ids``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from partners.principal import Principal, as_principal

if TYPE_CHECKING:
    from portal.core.models import User


class CaseQuerySet(models.QuerySet):
    def visible_to(self, who: Principal | User) -> CaseQuerySet:
        """Cases of the OCMWs whose arrears the person handles; nothing for anyone else."""
        ocmws = as_principal(who).arrears_ocmw_ids
        return self.filter(ocmw_id__in=ocmws) if ocmws else self.none()


class LacSessionQuerySet(models.QuerySet):
    def visible_to(self, who: Principal | User) -> LacSessionQuerySet:
        ocmws = as_principal(who).arrears_ocmw_ids
        return self.filter(ocmw_id__in=ocmws) if ocmws else self.none()
