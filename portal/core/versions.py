"""Every change carries the version it was made on (DESIGN.md, rule 4).

``refuse_stale`` (in ``portal.core.exceptions``) refuses a change made on an
older version; ``save_new_version`` is the one place that moves it on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def save_new_version(obj: Any, fields: Iterable[str] | None) -> None:
    """Save ``fields`` (all of them for ``None``) together with the next version number."""
    obj.version += 1
    if fields is None:
        obj.save()
    else:
        obj.save(update_fields=[*fields, "version"])
