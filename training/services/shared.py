"""What the session services share: field lists, limits and small helpers
for notification texts and stale edits."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.exceptions import ActionRefused
from training.models import Session, Topic

SESSION_FIELDS = (
    "title",
    "topics",
    "other_topic",
    "audience",
    "language",
    "venue",
    "organising_team",
    "starts_at",
    "ends_at",
    "capacity",
    "description",
    "practical_info",
    "interpretation",
)
PRACTICAL_FIELDS = ("practical_info", "interpretation")
VENUE_FIELDS = (
    "name",
    "street",
    "postcode",
    "capacity",
    "accessibility",
    "directions",
    "is_active",
)
MAX_HEADCOUNT = 50
MATERIAL_EXTENSIONS = (
    "pdf", "doc", "docx", "odt", "ppt", "pptx", "odp", "xls", "xlsx", "ods",
    "txt", "png", "jpg", "jpeg",
)  # fmt: skip
MAX_MATERIAL_BYTES = 10 * 1024 * 1024


def local_time(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def session_link(session: Session) -> str:
    return reverse("session_detail", args=[session.pk])


def normalise_topics(value: str | Iterable[str]) -> str:
    """Topic codes as stored: known codes only, in the order of ``Topic``."""
    codes = set(value.split() if isinstance(value, str) else value)
    known = [code for code in Topic.values if code in codes]
    if not known or len(known) != len(codes):
        raise ActionRefused(_("Choose one or more topics from the list."))
    return " ".join(known)
