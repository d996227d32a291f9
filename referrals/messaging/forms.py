import uuid
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.messaging.models import MessageTemplate

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_channel_display()})"


def choosable_templates(ocmw_id: int, purposes):
    """One entry per message (the Dutch text, else any), not one per language."""
    templates = MessageTemplate.objects.filter(ocmw_id=ocmw_id, purpose__in=purposes).order_by(
        "channel", "name", "-language"
    )
    first = {}
    for template in templates:
        key = (template.channel, template.name)
        if key not in first or template.language == "nl":
            first[key] = template.pk
    return MessageTemplate.objects.filter(pk__in=first.values()).order_by("channel", "name")


class SendForm(forms.Form):
    template = TemplateChoiceField(label=_("Message"), queryset=MessageTemplate.objects.none())
    appointment = forms.DateTimeField(
        label=_("Appointment (for a reminder)"), required=False, widget=DATETIME
    )
    remind = forms.TypedChoiceField(
        label=_("Send"),
        choices=[
            ("0", _("Now")),
            ("1", _("One day before the appointment")),
            ("2", _("Two days before the appointment")),
        ],
        coerce=int,
        initial="0",
        required=False,
        empty_value=0,
    )
    key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = choosable_templates(
            case.ocmw_id, [MessageTemplate.Purpose.GENERAL, MessageTemplate.Purpose.APPOINTMENT]
        )
        self.fields["key"].initial = f"case:{uuid.uuid4()}"

    def clean(self):
        cleaned = super().clean()
        template = cleaned.get("template")
        appointment = cleaned.get("appointment")
        if template is None:
            return cleaned
        if template.purpose == MessageTemplate.Purpose.APPOINTMENT:
            if appointment is None:
                self.add_error("appointment", _("Give the date and time of the appointment."))
            elif appointment <= timezone.now():
                self.add_error("appointment", _("The appointment must be in the future."))
            elif appointment > timezone.now() + timedelta(days=365):
                self.add_error("appointment", _("The appointment must be within a year."))
        elif cleaned.get("remind"):
            self.add_error("remind", _("Only a reminder of an appointment can wait."))
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        appointment = data.get("appointment")
        send_at = None
        if appointment is not None and data.get("remind"):
            local = timezone.localtime(appointment)
            send_at = (local - timedelta(days=data["remind"])).replace(
                hour=10, minute=0, second=0, microsecond=0
            )
        return {
            "template": data["template"],
            "key": data["key"],
            "appointment": appointment,
            "send_at": send_at,
        }


class WishesForm(forms.Form):
    sms_allowed = forms.BooleanField(label=_("Text messages may be sent"), required=False)
    email_allowed = forms.BooleanField(label=_("E-mails may be sent"), required=False)
    reminders_allowed = forms.BooleanField(
        label=_("Wants reminders before an appointment or the LAC session"), required=False
    )
    discreet_messages = forms.BooleanField(
        label=_("Discreet messages only (others may read the phone or mailbox)"), required=False
    )
    phone_works = forms.BooleanField(label=_("The phone number works again"), required=False)
    email_works = forms.BooleanField(label=_("The e-mail address works again"), required=False)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("sms_allowed", "email_allowed", "reminders_allowed", "discreet_messages"):
            self.fields[name].initial = getattr(client, name)
        if not client.phone_unreachable_at:
            del self.fields["phone_works"]
        if not client.email_unreachable_at:
            del self.fields["email_works"]


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = [
            "name",
            "channel",
            "purpose",
            "language",
            "subject",
            "body",
            "discreet",
            "shows_arrears",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 6, "maxlength": 1000})}

    def __init__(self, *args, ocmw, **kwargs):
        super().__init__(*args, **kwargs)
        self.ocmw = ocmw

    def clean(self):
        from referrals.messaging.services import template_problems

        cleaned = super().clean()
        for problem in template_problems(cleaned):
            self.add_error(None, problem)
        same = MessageTemplate.objects.filter(
            ocmw=self.ocmw,
            channel=cleaned.get("channel"),
            name=cleaned.get("name"),
            language=cleaned.get("language"),
        ).exclude(pk=self.instance.pk)
        if same.exists():
            self.add_error("name", _("There is a template with this name in this language."))
        return cleaned


class ReminderForm(forms.Form):
    template = TemplateChoiceField(label=_("Reminder"), queryset=MessageTemplate.objects.none())
    days_before = forms.IntegerField(
        label=_("Days before the session"), min_value=0, max_value=30, initial=3
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = choosable_templates(
            session.ocmw_id, [MessageTemplate.Purpose.LAC_SESSION]
        )
