"""Pagination without COUNT: fetch one row more than a page to know if there is a next one.

Lists stay one query per page however large the table grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    items: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


def page_of(queryset, number: str | int | None, *, size: int = 25, max_page: int = 1000) -> Page:
    try:
        page = min(max(int(number or 1), 1), max_page)
    except (TypeError, ValueError):
        page = 1
    start = (page - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Page(items=rows[:size], number=page, has_next=len(rows) > size)
