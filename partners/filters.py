"""Directory filters, shared by the HTML directory and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Language, Municipality, Offer, Organisation


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, place or postcode")}
        ),
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.filter(valid_until__isnull=True).only("pk", "name_nl"),
        method="filter_municipality",
        empty_label=_("All municipalities"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Organisation.Kind.choices, empty_label=_("All kinds")
    )
    language = django_filters.ChoiceFilter(
        label=_("Language spoken"),
        choices=Language.choices,
        method="filter_word",
        empty_label=_("All languages"),
    )
    offer = django_filters.ChoiceFilter(
        label=_("Offers"), choices=Offer.choices, method="filter_word", empty_label=_("Anything")
    )

    class Meta:
        model = Organisation
        fields = ["q", "municipality", "kind", "language", "offer"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_municipality(self, queryset, name, value: Municipality):
        return queryset.in_municipality(value.pk)

    def filter_word(self, queryset, name, value):
        return queryset.with_word({"language": "languages", "offer": "offers"}[name], value)
