"""Reads and visibility of cases and LAC sessions: arrears data, for the OCMW's
arrears-handling teams only (the principal's ``arrears_ocmw_ids``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db import models

from partners.principal import Principal, as_principal
from portal.core import bulk

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

    def for_page(self) -> AgendaItemQuerySet:
        """In agenda order, with what the session page shows of each file."""
        return self.select_related(
            "case__client__postcode", "case__arrears", "case__worker", "payment_plan"
        ).order_by("position", "pk")

    def for_print(self) -> models.QuerySet:
        """In agenda order, what the printed agenda shows of each file, as plain values:
        a print reads thousands, and model instances cost more than the query."""
        return self.order_by("position", "pk").values(
            "position",
            "pk",
            "case_id",
            reached_at=models.F("case__reached_at"),
            full_name=models.F("case__client__full_name"),
            street=models.F("case__client__street"),
            postcode=models.F("case__client__postcode__code"),
            place=models.F("case__client__postcode__name"),
            arrears=models.F("case__arrears__id"),
            amount=models.F("case__arrears__amount_outstanding"),
            water_company=models.F("case__arrears__water_company__name"),
        )

    def matching(self, text: str) -> AgendaItemQuerySet:
        """Files whose client's name or water account's customer number contains ``text``
        (ignoring case)."""
        text = " ".join(text.split())[:100]
        if not text:
            return self
        return self.filter(
            models.Q(case__client__full_name__icontains=text)
            | models.Q(case__arrears__customer_number__icontains=text)
        )

    def in_chunks(self, size: int) -> Iterator[list]:
        """The items in (position, id) order, ``size`` at a time.

        Two queries a chunk: its ids, read from the index on (session, position, id)
        starting after the last item of the chunk before (a keyset, so the last chunk
        of a long agenda costs what the first does), then those items with what they
        join. Memory holds one chunk at a time."""
        ordered = self.order_by("position", "pk")
        after: tuple[int, int] | None = None
        while True:
            ids = ordered
            if after is not None:
                position, pk = after
                ids = ids.filter(position__gte=position).filter(
                    models.Q(position__gt=position) | models.Q(pk__gt=pk)
                )
            keys = list(ids.values_list("position", "pk")[:size])
            if not keys:
                return
            yield list(ordered.filter(pk__in=bulk.among([pk for _position, pk in keys], "bigint")))
            if len(keys) < size:
                return
            after = keys[-1]


class LacImportQuerySet(models.QuerySet):
    def visible_to(self, who: Principal | User) -> LacImportQuerySet:
        ocmws = as_principal(who).arrears_ocmw_ids
        return self.filter(ocmw_id__in=ocmws) if ocmws else self.none()
