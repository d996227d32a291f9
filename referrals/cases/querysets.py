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

    def for_list(self) -> CaseQuerySet:
        """Newest first, with what the case list shows."""
        return self.select_related("client__postcode", "worker", "ocmw").order_by(
            "-created_at", "-pk"
        )

    def filtered(self, *, status: str = "", text: str = "", worker: User | None = None):
        """The case list's filters: a status, part of the client's name, one worker."""
        from referrals.cases.models import Case

        queryset = self
        if status in Case.Status.values:
            queryset = queryset.filter(status=status)
        if text:
            queryset = queryset.filter(client__full_name__icontains=text)
        if worker is not None:
            queryset = queryset.filter(worker=worker)
        return queryset


class LacSessionQuerySet(models.QuerySet):
    def visible_to(self, who: Principal | User) -> LacSessionQuerySet:
        ocmws = as_principal(who).arrears_ocmw_ids
        return self.filter(ocmw_id__in=ocmws) if ocmws else self.none()

    def for_list(self) -> LacSessionQuerySet:
        """Newest first, with how many files are on each agenda and how many unreached."""
        unreached = models.Q(agenda__case__reached_at__isnull=True)
        return (
            self.select_related("ocmw")
            .annotate(
                on_agenda=models.Count("agenda"),
                unreached=models.Count("agenda", filter=unreached),
            )
            .order_by("-date")
        )


class AgendaItemQuerySet(models.QuerySet):
    def visible_to(self, who: Principal | User) -> AgendaItemQuerySet:
        """Agenda items of the sessions the person sees (``LacSessionQuerySet.visible_to``)."""
        ocmws = as_principal(who).arrears_ocmw_ids
        return self.filter(session__ocmw_id__in=ocmws) if ocmws else self.none()


class LacImportQuerySet(models.QuerySet):
    def visible_to(self, who: Principal | User) -> LacImportQuerySet:
        ocmws = as_principal(who).arrears_ocmw_ids
        return self.filter(ocmw_id__in=ocmws) if ocmws else self.none()
