"""Reads of client messages: the arrears teams of the owning OCMW, nobody else."""

from __future__ import annotations

from django.db import models

from partners.principal import Principal, as_principal


class _OwnedByOcmw(models.QuerySet):
    def visible_to(self, who: Principal | object):
        """Messages of the OCMWs whose arrears the person handles (the case rule)."""
        ocmws = as_principal(who).arrears_ocmw_ids
        return self.filter(ocmw_id__in=ocmws) if ocmws else self.none()


class ClientMessageQuerySet(_OwnedByOcmw):
    def due(self, now) -> ClientMessageQuerySet:
        """Waiting for their moment, and not handed to a worker yet."""
        return self.filter(status="queued", enqueued_at__isnull=True, send_after__lte=now)


class InboundMessageQuerySet(_OwnedByOcmw):
    pass
