from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. Not only digits."),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            from portal.core.models import User

            candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=())
    next = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES


class ApiTokenForm(forms.Form):
    DURATIONS = [
        (30, _("30 days")),
        (90, _("90 days")),
        (180, _("6 months")),
        (365, _("1 year")),
    ]

    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("So you recognise it later, for example the name of the program that uses it."),
    )
    scope = forms.ChoiceField(
        label=_("What may the token do?"),
        choices=[
            ("read", _("Only read data")),
            ("write", _("Read and change data")),
        ],
        initial="read",
    )
    days = forms.TypedChoiceField(
        label=_("How long does it work?"),
        choices=DURATIONS,
        coerce=int,
        initial=90,
    )


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Address (URL)"),
        max_length=500,
        help_text=_("Where the portal sends the messages. It must start with https://."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("For example the name of the system that receives the messages."),
    )

    def clean_url(self):
        from portal.core.webhooks import validate_url

        url = self.cleaned_data["url"]
        validate_url(url)
        return url
