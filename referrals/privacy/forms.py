from django import forms
from django.utils.translation import gettext_lazy as _


class AccessRequestForm(forms.Form):
    """Each export answers a request of the client, recorded with it (GDPR art. 15)."""

    reference = forms.CharField(
        label=_("Reference of the request"),
        max_length=100,
        help_text=_("For example the date and channel of the request, or its file number."),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        initial=_("Answer to the client's request to see their data"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
