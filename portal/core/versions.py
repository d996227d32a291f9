"""Every change carries the version it was made on (DESIGN.md, rule 4).

A service that changes an object starts with ``lock_version``: it locks the row
for the rest of the transaction and refuses a change made on an older version
than the stored one. ``save_new_version`` is the one place that moves the
version on; ``save_changes`` applies a form's changes through it.

    locked = lock_version(venue, version)
    changed = changes_to(locked, changes, VENUE_FIELDS)
    save_changes(locked, changed)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from portal.core.exceptions import StaleVersion

CONFLICT = gettext_lazy(
    "Someone else changed this in the meantime. "
    "Reload the page to see their changes, then try again."
)


def refuse_stale(current_version: int, sent_version: int) -> None:
    """Refuse a change based on an older version of the object than the stored one."""
    if current_version != sent_version:
        raise StaleVersion(CONFLICT)


def lock_version[M: models.Model](obj: M, version: int, *, related: Iterable[str] = ()) -> M:
    """``obj`` fetched again and locked until the transaction ends; a change made on
    another version than the stored one is refused. ``related`` is joined in the same
    query, as ``select_related`` would."""
    queryset = type(obj)._default_manager.select_for_update()
    if related:
        queryset = queryset.select_related(*related)
    locked = queryset.get(pk=obj.pk)
    refuse_stale(locked.version, version)  # type: ignore[attr-defined]
    return locked


def changes_to(obj: Any, changes: Mapping[str, Any], fields: Collection[str]) -> dict[str, Any]:
    """The part of ``changes`` that names one of ``fields`` and differs from ``obj``."""
    return {
        name: value
        for name, value in changes.items()
        if name in fields and getattr(obj, name) != value
    }


def save_changes(obj: Any, changed: Mapping[str, Any], *, also: Iterable[str] = ()) -> None:
    """Set ``changed`` on ``obj`` and save it, with ``also``, as the next version."""
    for name, value in changed.items():
        setattr(obj, name, value)
    save_new_version(obj, [*changed, *also])


def save_new_version(obj: Any, fields: Iterable[str] | None) -> None:
    """Save ``fields`` (all of them for ``None``) together with the next version number."""
    obj.version += 1
    if fields is None:
        obj.save()
    else:
        obj.save(update_fields=[*fields, "version"])
