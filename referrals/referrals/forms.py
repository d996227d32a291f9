from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from partners.models import Language, Postcode, Team
from partners.principal import people_in_team
from portal.core.forms import (
    PhoneField,
    PlausibleDateField,
    PlausibleDateTimeField,
    choose_one,
)
from referrals.referrals.models import Channel, Client, Consent, Referral


def _label(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


def _start_empty(form: forms.ModelForm, *names: str) -> None:
    """A new object's model defaults are not answers: these questions start unanswered."""
    if form.instance.pk is None:
        for name in names:
            form.initial.pop(name, None)
            form.fields[name].initial = None


class PostcodeField(forms.ModelChoiceField):
    """A postcode typed as digits; the place is picked from that postcode's places."""

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class ClientForm(forms.ModelForm):
    postcode = PostcodeField(
        label=_("Postcode and place"),
        queryset=Postcode.objects.filter(municipality__valid_until__isnull=True).order_by(
            "code", "name"
        ),
    )
    phone = PhoneField(label=_label(Client, "phone"), required=False)
    language = forms.ChoiceField(
        label=_label(Client, "language"), choices=choose_one(Language.choices)
    )
    preferred_channel = forms.ChoiceField(
        label=_label(Client, "preferred_channel"), choices=choose_one(Channel.choices)
    )

    class Meta:
        model = Client
        fields = [
            "full_name",
            "street",
            "postcode",
            "phone",
            "email",
            "language",
            "interpreter_needed",
            "preferred_channel",
            "preferred_times",
            "voicemail_allowed",
            "closed_envelope",
            "trusted_person",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _start_empty(self, "language", "preferred_channel")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email") and not cleaned.get("street"):
            raise forms.ValidationError(_("Give at least one way to reach the client."))
        return cleaned


class ReferralForm(forms.ModelForm):
    team = forms.ModelChoiceField(label=_("On behalf of"), queryset=Team.objects.none())

    class Meta:
        model = Referral
        fields = [
            "reason",
            "description",
            "lac_letter_received",
            "lac_session_date",
            "supply_limited",
            "offers_to_accompany",
            "accompany_availability",
            "contact_via",
            "heard_at_session",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    # The session in the client's letter: lately held or coming, never decades off.
    lac_session_date = PlausibleDateField(
        label=_label(Referral, "lac_session_date"), required=False, years_back=2, years_ahead=2
    )
    contact_via = forms.ChoiceField(
        label=_label(Referral, "contact_via"), choices=choose_one(Referral.ContactVia.choices)
    )

    def __init__(self, *args, teams, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        _start_empty(self, "contact_via")
        self.fields["team"].queryset = teams.select_related("organisation")
        field = self.fields["heard_at_session"]
        field.queryset = sessions if sessions is not None else field.queryset.none()
        field.label_from_instance = lambda s: f"{s.starts_at:%d/%m/%Y} {s.title}"
        choices = list(self.fields["team"].queryset[:2])
        if len(choices) == 1:
            self.fields["team"].initial = choices[0].pk
            self.fields["team"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("offers_to_accompany") and not cleaned.get("accompany_availability"):
            self.add_error(
                "accompany_availability", _("Say when you can come along to an appointment.")
            )
        return cleaned


class ConsentForm(forms.Form):
    share_details = forms.BooleanField(
        label=_("The client agrees that the OCMW receives these details."), required=False
    )
    ocmw_may_contact = forms.BooleanField(
        label=_("The client agrees that the OCMW contacts them."), required=False
    )
    feedback = forms.ChoiceField(
        label=_("What may we hear back from the OCMW?"),
        choices=Consent.Feedback.choices,
        widget=forms.RadioSelect,
    )
    method = forms.ChoiceField(
        label=_("How did the client agree?"),
        choices=Consent.Method.choices,
        widget=forms.RadioSelect,
    )
    given_by = forms.CharField(label=_("Who agreed?"), max_length=150)

    def cleaned_for_submit(self) -> dict | None:
        """The consent to store, or None when nothing was agreed yet (draft)."""
        data = self.cleaned_data
        if not (data.get("share_details") or data.get("ocmw_may_contact")):
            return None
        return {
            k: data[k]
            for k in ("share_details", "ocmw_may_contact", "feedback", "method", "given_by")
        }


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MessageMixin(forms.Form):
    message = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContactForm(VersionForm, MessageMixin):
    share = forms.BooleanField(
        label=_("The partner may read this message"),
        required=False,
        help_text=_("Never write case notes or financial details for the partner."),
    )


class AppointmentForm(VersionForm, MessageMixin):
    at = PlausibleDateTimeField(label=_("Date and hour"), years_back=0, years_ahead=1)
    place = forms.CharField(label=_("Place"), max_length=200)


class CloseForm(VersionForm, MessageMixin):
    outcome = forms.ChoiceField(
        label=_("How did it end?"), choices=choose_one(Referral.Outcome.choices)
    )


class RefuseForm(VersionForm, MessageMixin):
    reason = forms.ChoiceField(
        label=_("Why is it not taken on?"),
        choices=choose_one(c for c in Referral.RefusalReason.choices if c[0] != "not_our_area"),
    )


class TransferForm(VersionForm, MessageMixin):
    to_team = forms.ModelChoiceField(label=_("To team"), queryset=Team.objects.none())

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_team"].queryset = (
            Team.objects.filter(receives_referrals=True, organisation__kind="ocmw")
            .exclude(pk=referral.receiving_team_id)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )


class AssignForm(VersionForm):
    worker = forms.ModelChoiceField(label=_("Worker"), queryset=None)

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = people_in_team(referral.receiving_team_id).order_by(
            "full_name"
        )


class PostMessageForm(forms.Form):
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}))
    visible_to_referrer = forms.BooleanField(
        label=_("The partner may read this message"), required=False
    )


class WithdrawForm(VersionForm, MessageMixin):
    pass
