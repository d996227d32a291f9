from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from partners.models import Language, Membership, Offer, Organisation, Postcode, Team
from partners.services import ORGANISATION_PROFILE_FIELDS, TEAM_SETTING_FIELDS
from portal.core.forms import PhoneField, PlausibleDateField, VersionedModelForm


class WordListField(forms.MultipleChoiceField):
    """Checkboxes stored as a space-separated list of codes."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        return value.split() if isinstance(value, str) else value

    def clean(self, value):
        return " ".join(super().clean(value))


class OrganisationProfileForm(VersionedModelForm):
    languages = WordListField(label=_("Languages spoken"), choices=Language.choices, required=False)
    offers = WordListField(label=_("What you offer"), choices=Offer.choices, required=False)
    postcode = forms.ModelChoiceField(
        label=_("Postcode"),
        queryset=Postcode.objects.select_related("municipality"),
        required=False,
    )
    phone = PhoneField(
        label=capfirst(Organisation._meta.get_field("phone").verbose_name), required=False
    )

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_PROFILE_FIELDS)
        widgets = {
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }


class TeamForm(VersionedModelForm):
    class Meta:
        model = Team
        fields = list(TEAM_SETTING_FIELDS)


class AgreementProposalForm(forms.Form):
    other = forms.ModelChoiceField(label=_("With"), queryset=Organisation.objects.none())
    may_refer = forms.BooleanField(
        label=_("The partner may submit referrals to the OCMW"), required=False, initial=True
    )
    may_cohost = forms.BooleanField(
        label=_("The partner may co-host information sessions"), required=False
    )
    may_be_named = forms.BooleanField(
        label=_("The OCMW may name the partner as a contact on letters and cards"), required=False
    )
    # An agreement may put in writing a collaboration of some years; it may end far ahead.
    valid_from = PlausibleDateField(label=_("Starts on"), years_back=5, years_ahead=2)
    valid_until = PlausibleDateField(
        label=_("Ends on"), required=False, years_back=0, years_ahead=20
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, proposer: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].initial = timezone.localdate()
        if proposer.is_ocmw:
            others = Organisation.objects.exclude(
                kind__in=[
                    Organisation.Kind.OCMW,
                    Organisation.Kind.INTERNAL,
                    Organisation.Kind.WATER_COMPANY,
                ]
            )
        else:
            others = Organisation.objects.filter(kind=Organisation.Kind.OCMW)
        self.fields["other"].queryset = others.only("pk", "name")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end date comes before the start date."))
        return cleaned


class EndAgreementForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the agreement end?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organisation=organisation)
