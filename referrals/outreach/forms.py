from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation
from partners.principal import people_in_arrears_teams
from portal.core.forms import PlausibleDateField, PlausibleDateTimeField, choose_one
from referrals.outreach.models import ContactAttempt, LetterTemplate

NULL_BOOL = [("", _("Does not apply")), ("true", _("Yes")), ("false", _("No"))]


class AttemptForm(forms.Form):
    # Both start empty: a pre-picked "letter" and "no answer" were saved for every
    # attempt nobody filled in, and fed the what-works report.
    channel = forms.ChoiceField(
        label=_("How"),
        choices=choose_one(ContactAttempt.Channel.choices),
        error_messages={"required": _("Choose how you tried to reach the client.")},
    )
    outcome = forms.ChoiceField(
        label=_("Result"),
        choices=choose_one(
            c for c in ContactAttempt.Outcome.choices if c[0] not in ContactAttempt.PORTAL_OUTCOMES
        ),
        error_messages={"required": _("Choose the result of the attempt.")},
    )
    # Logged late at most two years after, never ahead.
    moment = PlausibleDateTimeField(label=_("When"), years_back=2, years_ahead=0)
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
    template = forms.ModelChoiceField(
        label=_("Letter or card"),
        queryset=None,
        empty_label=_("Choose a letter or card"),
        error_messages={"required": _("Choose a letter or card.")},
    )
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = choose_one(LetterTemplate.Kind.choices)


class VisitForm(forms.Form):
    # Registered before leaving (or just after arriving), at most a year ahead.
    start = PlausibleDateTimeField(label=_("From"), years_back=0, years_ahead=1)
    end = PlausibleDateTimeField(label=_("Until"), years_back=0, years_ahead=1)
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
    # Starts empty: leaving without choosing saved the visit as "no answer".
    outcome = forms.ChoiceField(
        label=_("Result"),
        choices=choose_one(
            c
            for c in ContactAttempt.Outcome.choices
            if c[0] in ("no_answer", "reached", "appointment", "wrong_number", "delivered")
        ),
        error_messages={"required": _("Choose the result of the visit.")},
    )
    note = forms.CharField(label=_("Short note"), required=False, max_length=300)


class PeriodForm(forms.Form):
    start = PlausibleDateField(label=_("From"), years_ahead=1)
    end = PlausibleDateField(label=_("Until (not included)"), years_ahead=1)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            self.add_error("end", _("The end comes before the start."))
        return cleaned
