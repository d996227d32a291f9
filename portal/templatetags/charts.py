"""Bar charts drawn on the server: plain SVG, no script and no inline style (the
site's CSP), readable by screen readers and scaling down to a phone.

    {% load charts %}
    {% translate "Reached" as t %}
    {% bar_chart report.by_channel chart_id="channel" title=t value="percent" unit="%"
        maximum=100 %}

Each bar is as long as its value over the largest value (or ``maximum``). The chart is
an image (``role="img"``) whose title names every bar and its number; the numbers stay
in a table beside it, for reading and for copying. Items whose value is None are left
out (too few to say); no items at all (or only zero counts, when no ``maximum`` is
given) give an empty state, not an empty frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django import template
from django.utils.formats import number_format

register = template.Library()

WIDTH = 320  # viewBox units: about a phone's width, so the text stays legible there
ROW = 44  # a label line, then the bar
BAR_HEIGHT = 16
LABEL_CHARS = 34  # longer labels are shortened in the picture (the title keeps them whole)


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    text: str
    width: str  # SVG attributes are written as plain strings: never localised ("55,5")
    label_y: str
    bar_y: str


def _get(item, name: str):
    return item[name] if isinstance(item, Mapping) else getattr(item, name)


def _number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return number_format(int(value), use_l10n=True)
    return number_format(value, decimal_pos=1, use_l10n=True)


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def bars(
    items: Iterable,
    *,
    label: str = "label",
    value: str = "value",
    text: str | None = None,
    unit: str = "",
    maximum: float | None = None,
) -> list[Bar]:
    """The bars of a chart, in the order of ``items``: width = value / maximum * full."""
    rows = []
    for item in items or ():
        amount = _get(item, value)
        if amount is None:
            continue
        shown = str(_get(item, text)) if text else _number(amount)
        if unit and not text:
            shown = f"{shown}\u00a0{unit}"
        rows.append((str(_get(item, label)), float(amount), shown))
    top = maximum if maximum is not None else max((amount for _, amount, _ in rows), default=0)
    if maximum is None and top <= 0:
        return []  # only zeros: nothing to compare, so the empty state
    result = []
    for index, (name, amount, shown) in enumerate(rows):
        width = min(max(amount / top, 0.0), 1.0) * WIDTH if top > 0 else 0.0
        result.append(
            Bar(
                label=name,
                short_label=_shorten(name),
                text=shown,
                width=f"{width:.1f}",
                label_y=str(index * ROW + 15),
                bar_y=str(index * ROW + 22),
            )
        )
    return result


def summary(title: str, chart: list[Bar]) -> str:
    """What the chart says, in words: "Reached: phone 55 %, letter 50 %"."""
    return f"{title}: " + ", ".join(f"{bar.label} {bar.text}" for bar in chart)


@register.inclusion_tag("portal/charts/bar.html")
def bar_chart(
    items,
    *,
    chart_id: str,
    title: str,
    label: str = "label",
    value: str = "value",
    text: str | None = None,
    unit: str = "",
    maximum: float | str | None = None,
    caption: bool = False,
    empty: str | None = None,
) -> dict:
    """``caption=True`` writes the title above the chart too, where no heading says it;
    ``empty=""`` leaves out the empty state (where a table beside it already says so)."""
    top = float(maximum) if maximum not in (None, "") else None
    chart = bars(items, label=label, value=value, text=text, unit=unit, maximum=top)
    return {
        "bars": chart,
        "chart_id": chart_id,
        "title": title,
        "caption": caption,
        "empty": empty,
        "summary": summary(str(title), chart),
        "width": str(WIDTH),
        "height": str(len(chart) * ROW + 4),
        "bar_height": str(BAR_HEIGHT),
    }
