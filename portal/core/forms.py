"""Form pieces every app uses."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.numberformat import format as number_format
from django.utils.translation import gettext_lazy as _

from portal.core.exceptions import ActionRefused
from portal.core.versions import CONFLICT


class VersionedModelForm(forms.ModelForm):
    """A model form that edits a stored object carries the version it was read at
    (DESIGN.md, rule 4), so the service can refuse a change made on an older one.

    The hidden ``version`` is filled from the instance when the form edits; a form
    that edits without one is a conflict, said above the form with what was typed
    kept. A form that creates has none. ``edit()`` gives the service its arguments.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.saved_meanwhile: list[tuple[str, Any, Any]] = []
        if self.instance.pk is not None:
            self.initial.setdefault("version", self.instance.version)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is not None and cleaned.get("version") is None:
            # The form was read before the object existed (or lost its version): the
            # person sees a conflict above the form, with what they typed kept.
            self.add_error(None, CONFLICT)
            self.show_saved_meanwhile()
        return cleaned

    def show_saved_meanwhile(self) -> None:
        """After a conflict: ``saved_meanwhile`` lists (label, what is stored now, what
        was typed) for each field where the two differ; the form keeps what was typed."""
        stored = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
        if stored is None:
            return
        typed = getattr(self, "cleaned_data", {})
        self.saved_meanwhile = [
            (field.label, getattr(stored, name), typed[name])
            for name, field in self.fields.items()
            if name != "version" and name in typed and getattr(stored, name) != typed[name]
        ]

    def changes(self) -> dict[str, Any]:
        """What was filled in, without the version."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def edit(self) -> dict[str, Any]:
        """The ``version`` and ``changes`` arguments of an update service."""
        return {"version": self.cleaned_data["version"], "changes": self.changes()}


# Trustworthy input ------------------------------------------------------------------
#
# The pieces below make a form refuse what cannot be right instead of storing it:
# a choice nobody made, a date a century off, an amount the browser dropped, a phone
# number that is not one, a text cut without a word. Each rule lives here once.

EMPTY_CHOICE = _("Choose…")


def choose_one(choices, label=EMPTY_CHOICE) -> list:
    """``choices`` behind an empty first option, so a required drop-down starts empty
    and a person who does not choose is told so instead of sending the first answer."""
    return [("", label), *[choice for choice in choices if choice[0] != ""]]


# Dates ----------------------------------------------------------------------------

# Nothing the portal records happened before this day.
EARLIEST = dt.date(2000, 1, 1)


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class DateRange:
    """How far back and ahead of today a date of one kind can sensibly be.

    ``years_back``/``years_ahead`` of ``None`` leave that side to the portal-wide floor
    (``EARLIEST``) or open; ``years_ahead=0`` means "today at the latest"."""

    years_back: int | None = None
    years_ahead: int | None = None

    def bounds(self, today: dt.date | None = None) -> tuple[dt.date, dt.date | None]:
        today = today or timezone.localdate()
        earliest = EARLIEST
        if self.years_back is not None:
            earliest = max(EARLIEST, _years_from(today, -self.years_back))
        latest = None if self.years_ahead is None else _years_from(today, self.years_ahead)
        return earliest, latest

    def check(self, day: dt.date) -> None:
        """Raise a ``ValidationError`` saying which dates are possible."""
        earliest, latest = self.bounds()
        if day < earliest:
            raise ValidationError(
                _("The date cannot be before %(date)s."),
                code="too_early",
                params={"date": date_format(earliest, "d/m/Y")},
            )
        if latest is not None and day > latest:
            if self.years_ahead == 0:
                raise ValidationError(_("The date cannot be in the future."), code="future")
            raise ValidationError(
                _("The date cannot be after %(date)s."),
                code="too_late",
                params={"date": date_format(latest, "d/m/Y")},
            )


class PlausibleDateInput(forms.DateInput):
    """A date picker that offers only the plausible dates (``min``/``max``), worked out
    when the page is drawn. The form checks them again: the picker is only a hint."""

    input_type = "date"
    html_format = "%Y-%m-%d"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or self.html_format)
        self.range: DateRange | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.range is not None:
            earliest, latest = self.range.bounds()
            extra = {"min": self._html(earliest)}
            if latest is not None:
                extra["max"] = self._html(latest, end=True)
            context["widget"]["attrs"] = {**extra, **context["widget"]["attrs"]}
        return context

    def _html(self, day: dt.date, end: bool = False) -> str:
        return day.strftime("%Y-%m-%d")


class PlausibleDateTimeInput(PlausibleDateInput):
    input_type = "datetime-local"
    html_format = "%Y-%m-%dT%H:%M"

    def _html(self, day: dt.date, end: bool = False) -> str:
        return f"{day:%Y-%m-%d}T{'23:59' if end else '00:00'}"


class PlausibleDateField(forms.DateField):
    """A date between ``DateRange`` bounds, e.g. ``PlausibleDateField(years_back=2,
    years_ahead=2)`` for a LAC session; refused with a message that says the bounds."""

    widget = PlausibleDateInput

    def __init__(self, *, years_back: int | None = None, years_ahead: int | None = None, **kw):
        super().__init__(**kw)
        self.range = DateRange(years_back, years_ahead)
        if isinstance(self.widget, PlausibleDateInput):
            self.widget.range = self.range

    def validate(self, value) -> None:
        super().validate(value)
        if value is not None:
            self.range.check(value)


class PlausibleDateTimeField(forms.DateTimeField):
    """A moment whose day lies between ``DateRange`` bounds. With ``years_ahead=0`` it
    may not be later than now (a few minutes of clock difference aside)."""

    widget = PlausibleDateTimeInput
    CLOCK_SLACK = dt.timedelta(minutes=5)

    def __init__(self, *, years_back: int | None = None, years_ahead: int | None = None, **kw):
        super().__init__(**kw)
        self.range = DateRange(years_back, years_ahead)
        if isinstance(self.widget, PlausibleDateInput):
            self.widget.range = self.range

    def validate(self, value) -> None:
        super().validate(value)
        if value is None:
            return
        if self.range.years_ahead == 0 and value > timezone.now() + self.CLOCK_SLACK:
            raise ValidationError(_("The moment cannot be in the future."), code="future")
        self.range.check(timezone.localtime(value).date())


# Amounts --------------------------------------------------------------------------

_GROUPED_BE = re.compile(r"[-+]?\d{1,3}(\.\d{3})+(,\d*)?")  # 1.234 or 1.234,56
_GROUPED_EN = re.compile(r"[-+]?\d{1,3}(,\d{3})+\.\d*")  # 1,234.56


def parse_amount(text: str) -> str:
    """An amount as typed (``412,50``, ``412.50``, ``1.234,56``, ``€ 1 234,56``) in the
    notation ``Decimal`` reads (``1234.56``). A dot followed by three digits and no
    comma groups thousands, as Belgians write it: ``1.234`` is one thousand two hundred
    and thirty-four euro."""
    text = re.sub(r"[\s\u00a0\u202f€]", "", str(text))
    if _GROUPED_BE.fullmatch(text):
        return text.replace(".", "").replace(",", ".")
    if _GROUPED_EN.fullmatch(text):
        return text.replace(",", "")
    return text.replace(",", ".") if "." not in text else text


def format_amount(value) -> str:
    """``1234.5`` as ``1.234,50``: how the form shows an amount (and reads it back)."""
    return number_format(
        Decimal(value), ",", decimal_pos=2, grouping=3, thousand_sep=".", force_grouping=True
    )


class AmountField(forms.DecimalField):
    """An amount in euro, typed and shown the Belgian way (``412,50``; ``412.50`` and
    ``1.234,56`` are understood too). A text box, not ``type=number``: a browser drops a
    value with a decimal comma from a number box, so the amount vanished on every edit.
    Negative amounts are refused unless ``min_value`` says otherwise."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Enter an amount in euro, like 412,50."),
        "min_value": _("The amount cannot be negative."),
    }

    def __init__(self, *, min_value=Decimal("0"), max_digits=10, decimal_places=2, **kw):
        super().__init__(
            min_value=min_value, max_digits=max_digits, decimal_places=decimal_places, **kw
        )
        if min_value is not None and min_value > 0:
            self.error_messages["min_value"] = _("The amount must be more than %(limit)s.") % {
                "limit": format_amount(0)
            }

    def to_python(self, value):
        if value not in self.empty_values and isinstance(value, str):
            value = parse_amount(value)
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return format_amount(value)
        return value  # what was typed, as typed


# Phone numbers --------------------------------------------------------------------


def normalise_phone(text: str) -> str:
    """A Belgian or foreign phone number in one way of writing: the international
    format, ``+32 470 12 34 56``. It reads well, ``tel:`` links work once the spaces are
    cut, and ``phonenumbers.parse(stored, "BE")`` gives the number back (the SMS
    sending relies on that). Raises ``ValidationError`` for anything else."""
    try:
        number = phonenumbers.parse(text, "BE")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a phone number like 0470 12 34 56 or +32 470 12 34 56."), code="invalid"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class PhoneField(forms.CharField):
    """A phone number, typed any usual way (``0470 12 34 56``, ``+32 470 12 34 56``,
    ``0032 470…``) and stored as ``normalise_phone`` writes it."""

    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})

    def __init__(self, *, max_length=30, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalise_phone(value) if value else value


# Texts ----------------------------------------------------------------------------


def check_length(text: str, limit: int, what) -> None:
    """For services: refuse a text over ``limit`` characters instead of cutting it."""
    if len(text) > limit:
        raise ActionRefused(
            _("%(what)s can be at most %(limit)s characters long (it has %(count)s).")
            % {"what": what, "limit": limit, "count": len(text)}
        )
