from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation
from partners.principal import people_in_arrears_teams
from referrals.outreach.models import ContactAttempt, LetterTemplate

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
NULL_BOOL = [("", _("Does not apply")), ("true", _("Yes")), ("false", _("No"))]


class AttemptForm(forms.Form):
    channel = forms.ChoiceField(label=_("How"), choices=ContactAttempt.Channel.choices)
    outcome = forms.ChoiceField(label=_("Result"), choices=ContactAttempt.Outcome.choices)
    moment = forms.DateTimeField(label=_("When"), widget=DATETIME)
    with_logo = forms.TypedChoiceField(
        label=_("With the OCMW's logo?"),
        choices=NULL_BOOL,
        required=False,
        coerce=lambda v: v == "true",
        empty_value=None,
    )
    in_envelope = forms.TypedChoiceField(
        label=_("In an envelope?"),
        choices=NULL_BOOL,
        required=False,
        coerce=lambda v: v == "true",
        empty_value=None,
    )
    mentions_cutoff = forms.TypedChoiceField(
        label=_("Mentions the risk of cut-off?"),
        choices=NULL_BOOL,
        required=False,
        coerce=lambda v: v == "true",
        empty_value=None,
    )
    partner = forms.ModelChoiceField(
        label=_("Partner that helped"), required=False, queryset=Organisation.objects.none()
    )
    note = forms.CharField(label=_("Short note"), required=False, max_length=300)
    accept_conflicts = forms.BooleanField(
        label=_("I know this goes against the client's wishes and have a good reason"),
        required=False,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moment"].initial = timezone.localtime().replace(second=0, microsecond=0)
        from referrals.outreach.services import partners_working_with

        self.fields["partner"].queryset = partners_working_with(case.ocmw_id).order_by("name")


class LetterChoiceForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Letter or card"), queryset=None)
    appointment = forms.CharField(
        label=_("Proposed appointment"),
        required=False,
        max_length=200,
        help_text=_("For example: Tuesday 3 March at 10:00, Sociaal Huis, desk 2."),
    )
    partner = forms.ModelChoiceField(
        label=_("Name this partner as a contact"),
        required=False,
        queryset=None,
        help_text=_("Only partners whose agreement allows it."),
    )

    def __init__(self, *args, case, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = LetterTemplate.objects.filter(ocmw_id=case.ocmw_id)
        self.fields["partner"].queryset = Organisation.objects.filter(
            pk__in=[p.pk for p in partners]
        ).order_by("name")


class LetterSentForm(forms.Form):
    in_envelope = forms.BooleanField(
        label=_("Sent in a closed envelope"), required=False, initial=True
    )
    accept_conflicts = forms.BooleanField(
        label=_("I know this goes against the client's wishes and have a good reason"),
        required=False,
    )


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["kind", "name", "body", "with_logo", "mentions_cutoff"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}


class VisitForm(forms.Form):
    start = forms.DateTimeField(label=_("From"), widget=DATETIME)
    end = forms.DateTimeField(label=_("Until"), widget=DATETIME)
    announced = forms.BooleanField(
        label=_("The client knows we are coming"), required=False, initial=True
    )
    second_worker = forms.ModelChoiceField(label=_("Second worker"), required=False, queryset=None)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.initial.setdefault("start", now)
        self.initial.setdefault("end", now + timedelta(hours=1))
        self.fields["second_worker"].queryset = people_in_arrears_teams(case.ocmw_id).order_by(
            "full_name"
        )


class CheckOutForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Result"),
        choices=[
            c
            for c in ContactAttempt.Outcome.choices
            if c[0] in ("no_answer", "reached", "appointment", "wrong_number", "delivered")
        ],
    )
    note = forms.CharField(label=_("Short note"), required=False, max_length=300)


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Until (not included)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            self.add_error("end", _("The end comes before the start."))
        return cleaned
