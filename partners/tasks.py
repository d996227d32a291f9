"""The partners app's periodic job (``PORTAL_SCHEDULE``)."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

from portal.core.tasks import Priority


@task(priority=Priority.BULK)
def rebuild_grants() -> dict:
    """Agreements start and end on dates, not only on edits: recompute the grants."""
    from partners.grants import rebuild_grants as rebuild

    with transaction.atomic():
        report = rebuild()
    return {"added": report.added, "removed": report.removed}
