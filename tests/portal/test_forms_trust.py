"""Forms that can be trusted (GOV.UK Design System patterns): no answer chosen for the
person, plausible dates, Belgian amounts and phone numbers, limits that are said and
never cut, an error summary that leads to the fields."""

import datetime as dt
import importlib
import inspect
import re
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import timezone, translation

from portal.core.exceptions import ActionRefused
from portal.core.forms import (
    AmountField,
    DateRange,
    PhoneField,
    PlausibleDateField,
    PlausibleDateTimeField,
    check_length,
    choose_one,
    format_amount,
    normalise_phone,
    parse_amount,
)


@pytest.fixture(autouse=True)
def _in_english():
    """The messages are asserted in the source language; the pages' Dutch and French
    are checked by the translation tests."""
    with translation.override("en"):
        yield


FORM_MODULES = [
    "partners.forms",
    "referrals.referrals.forms",
    "referrals.cases.forms",
    "referrals.outreach.forms",
    "referrals.privacy.forms",
    "training.forms",
    "portal.shell.forms",
]
# Settings and filters with a safe default, not answers about a person or a case:
# the least privilege for a token or an invitation, the page's own language, a mode.
DELIBERATE_DEFAULTS = {
    ("ApiTokenForm", "scope"),
    ("ApiTokenForm", "days"),
    ("InvitationForm", "role"),
    ("LanguageForm", "language"),
    ("AttendanceForm", "mode"),
}


def form_classes():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def required_choices():
    for cls in form_classes():
        for name, field in cls.base_fields.items():
            single = isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.MultipleChoiceField
            )
            if single and field.required and not field.widget.is_hidden:
                yield pytest.param(cls, name, field, id=f"{cls.__name__}.{name}")


@pytest.mark.parametrize(("cls", "name", "field"), list(required_choices()))
def test_no_required_choice_is_made_for_the_person(cls, name, field):
    if (cls.__name__, name) in DELIBERATE_DEFAULTS:
        pytest.skip("a deliberate, safe default")
    assert field.initial is None, f"{cls.__name__}.{name} starts with an answer"
    if isinstance(field, forms.ModelChoiceField):
        assert field.empty_label is not None
    elif not isinstance(field.widget, forms.RadioSelect):
        choices = list(field.choices)
        if choices:  # some are filled in __init__
            assert choices[0][0] == "", f"{cls.__name__}.{name} pre-picks its first choice"


def test_choose_one_puts_an_empty_choice_first_once():
    assert choose_one([("", "—"), ("a", "A")], label="Kies") == [("", "Kies"), ("a", "A")]


@pytest.mark.django_db
def test_a_new_client_a_referral_and_a_consent_start_unanswered():
    from partners.models import Team
    from referrals.referrals.forms import ClientForm, ConsentForm, ReferralForm

    client = ClientForm(prefix="client")
    referral = ReferralForm(prefix="referral", teams=Team.objects.none())
    for form, name in [
        (client, "language"),
        (client, "preferred_channel"),
        (referral, "contact_via"),
        (ConsentForm(prefix="consent"), "feedback"),
    ]:
        assert form[name].value() in (None, ""), name
        html = str(form[name])
        assert re.findall(r'value="([^"]*)"[^>]*selected', html) in ([], [""]), name
        assert "checked" not in html, name


# Dates -----------------------------------------------------------------------------


def test_a_date_range_refuses_a_century_off_and_says_the_bounds():
    field = PlausibleDateField(years_back=2, years_ahead=2)
    with pytest.raises(ValidationError, match="cannot be before"):
        field.clean("1900-01-01")
    with pytest.raises(ValidationError, match="cannot be after"):
        field.clean("2999-01-01")
    today = timezone.localdate()
    assert field.clean(today.isoformat()) == today


def test_not_in_the_future_says_so():
    field = PlausibleDateField(years_ahead=0)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        field.clean(tomorrow.isoformat())


def test_nothing_before_2000_even_without_a_limit_back():
    with pytest.raises(ValidationError):
        PlausibleDateField().clean("1999-12-31")
    assert DateRange().bounds(dt.date(2026, 1, 1)) == (dt.date(2000, 1, 1), None)


def test_a_moment_in_the_future_is_refused():
    field = PlausibleDateTimeField(years_back=2, years_ahead=0)
    later = timezone.localtime() + dt.timedelta(hours=2)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        field.clean(later.strftime("%Y-%m-%dT%H:%M"))
    with pytest.raises(ValidationError, match="cannot be before"):
        field.clean("1900-01-01T10:00")


def test_the_date_picker_offers_only_plausible_dates():
    html = PlausibleDateField(years_back=2, years_ahead=2).widget.render("on", None)
    today = timezone.localdate()
    assert 'type="date"' in html
    assert f'min="{today.year - 2}-' in html and f'max="{today.year + 2}-' in html


def test_29_february_moves_to_28():
    earliest, latest = DateRange(years_back=1, years_ahead=1).bounds(dt.date(2028, 2, 29))
    assert (earliest, latest) == (dt.date(2027, 2, 28), dt.date(2029, 2, 28))


# Amounts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("412,50", "412.50"),
        ("412.50", "412.50"),
        ("1.234,56", "1234.56"),
        ("1.234", "1234"),
        ("€ 1 234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("0", "0"),
    ],
)
def test_amounts_are_read_the_belgian_way(typed, amount):
    assert parse_amount(typed) == amount
    assert AmountField().clean(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["-5", "-412,50"])
def test_a_negative_amount_is_refused(typed):
    with pytest.raises(ValidationError, match="cannot be negative"):
        AmountField().clean(typed)


def test_a_word_is_not_an_amount():
    with pytest.raises(ValidationError, match="412,50"):
        AmountField().clean("abc")


def test_an_amount_is_shown_as_typed_in_belgium_in_a_text_box():
    class F(forms.Form):
        amount = AmountField()

    html = F(initial={"amount": Decimal("1234.5")})["amount"].as_widget()
    assert 'value="1.234,50"' in html and 'inputmode="decimal"' in html
    assert 'type="text"' in html  # a number box drops "412,50"
    assert format_amount(Decimal("412.5")) == "412,50"


def test_a_plan_total_must_be_more_than_nothing():
    with pytest.raises(ValidationError, match="more than"):
        AmountField(min_value=Decimal("0.01")).clean("0")


# Phone numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["0470 12 34 56", "+32 470 12 34 56", "0032 470 12 34 56", "0470/12.34.56"]
)
def test_phone_numbers_are_stored_one_way(typed):
    assert PhoneField().clean(typed) == "+32 470 12 34 56"


def test_a_stored_phone_number_parses_for_the_sms_sending():
    import phonenumbers

    stored = normalise_phone("053 21 43 65")
    number = phonenumbers.parse(stored, "BE")
    assert phonenumbers.is_valid_number(number) and stored == "+32 53 21 43 65"


@pytest.mark.parametrize("typed", ["abc", "0470", "12"])
def test_what_is_not_a_phone_number_is_refused_clearly(typed):
    with pytest.raises(ValidationError, match="0470 12 34 56"):
        PhoneField().clean(typed)


def test_no_phone_is_fine_when_optional():
    assert PhoneField(required=False).clean("") == ""


# Texts -----------------------------------------------------------------------------


def test_a_long_text_is_refused_not_cut():
    check_length("x" * 300, 300, "The note")
    with pytest.raises(ActionRefused, match="at most 300 characters"):
        check_length("x" * 301, 300, "The note")


class Sample(forms.Form):
    name = forms.CharField(label="Name", max_length=20)
    note = forms.CharField(label="Note", max_length=300, required=False)
    kind = forms.ChoiceField(
        label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    topics = forms.MultipleChoiceField(
        label="Topics",
        choices=[("w", "Water"), ("e", "Energy")],
        widget=forms.CheckboxSelectMultiple,
    )


def render(form) -> str:
    return Template('{% include "portal/form_fields.html" %}').render(Context({"form": form}))


def test_a_long_limit_is_shown_with_a_counter():
    html = render(Sample())
    assert 'id="id_note_count"' in html and 'data-limit="300"' in html
    assert 'maxlength="300"' in html
    assert 'id="id_name_count"' not in html  # a short field needs no counter


def test_the_error_summary_links_to_each_field_and_takes_focus():
    form = Sample({"name": "", "note": "x" * 301})
    assert not form.is_valid()
    html = render(form)
    summary = html.split("data-error-summary")[1].split("</div>")[0]
    assert 'tabindex="-1"' in html.split("data-error-summary")[0][-80:]
    assert 'href="#id_name"' in summary and 'href="#id_note"' in summary
    assert 'href="#id_kind_0"' in summary and 'href="#id_topics_0"' in summary
    # Each error is tied to its control.
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_name_error"' in html and 'id="id_name_error"' in html


def test_groups_are_fieldsets_with_a_legend_and_their_error():
    html = render(Sample({"name": "x"}))
    for name in ("kind", "topics"):
        group = html.split(f'data-field="{name}"')[1].split("</fieldset>")[0]
        assert f'aria-describedby="id_{name}_error"' in group
        assert "<legend>" in group and f'id="id_{name}_error"' in group
    assert '<label for="">' not in html


def test_no_summary_when_all_is_well():
    assert "data-error-summary" not in render(Sample())
