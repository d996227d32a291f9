"""Belgian formats for the portal's templates."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.numberformat import format as number_format

register = template.Library()


@register.filter
def euro(value) -> str:
    """An amount as Belgians write it: € 1.234,56 (in every interface language)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    text = number_format(
        amount, ",", decimal_pos=2, grouping=3, thousand_sep=".", force_grouping=True
    )
    return f"€\u00a0{text}"
