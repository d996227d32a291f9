"""Writing the audit log. Services call ``record`` inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from portal.core.models import AuditEntry


def record(
    action: str,
    obj: models.Model,
    *,
    actor,
    organisation=None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        organisation=organisation,
        data=data or {},
    )
