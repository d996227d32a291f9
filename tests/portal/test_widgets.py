"""The portal's select and choice-list templates (portal/templates/django/forms/widgets)
write the same HTML as Django's own, only without an included template per option."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html


class Everything(forms.Form):
    single = forms.ChoiceField(choices=[("", "---"), ("x", "X & Y"), ("z", "Z")], initial="x")
    boxes = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "Two")], widget=forms.CheckboxSelectMultiple, initial=["2"]
    )
    radios = forms.ChoiceField(
        choices=[("G", [("g1", "G1"), ("g2", "G2")]), ("h", "H")],
        widget=forms.RadioSelect(attrs={"class": "inline"}),
        initial="g2",
    )
    many = forms.MultipleChoiceField(
        choices=[("G", [("g1", "G1")]), ("h", "H")],
        initial=["h"],
        widget=forms.SelectMultiple(attrs={"class": "k", "aria-describedby": "help"}),
        required=False,
    )


@pytest.mark.parametrize("name", ["single", "boxes", "radios", "many"])
def test_same_markup_as_django(name):
    ours = Everything()[name].as_widget()  # the project's FORM_RENDERER
    djangos = Everything(renderer=DjangoTemplates())[name].as_widget()
    assert "<option" in ours or "<input" in ours
    assert parse_html(ours) == parse_html(djangos)
