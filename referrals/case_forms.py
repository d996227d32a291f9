from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation
from referrals.models import AgendaItem, ArrearsRecord, PaymentPlan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ArrearsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ArrearsRecord
        fields = [
            "water_company",
            "customer_number",
            "amount_outstanding",
            "protected_customer",
            "flow_limiter_since",
            "justification_note",
        ]
        widgets = {
            "flow_limiter_since": DATE,
            "justification_note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["water_company"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.WATER_COMPANY
        )
        self.fields["amount_outstanding"].localize = True
        self.fields["amount_outstanding"].widget.is_localized = True


class InvoiceForm(forms.Form):
    number = forms.CharField(label=_("Invoice number"), max_length=40)
    issued_on = forms.DateField(label=_("Invoice date"), widget=DATE)
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=10, decimal_places=2, min_value=0, localize=True
    )


class PaymentPlanForm(forms.Form):
    total_amount = forms.DecimalField(
        label=_("Total amount"), max_digits=10, decimal_places=2, min_value=0, localize=True
    )
    instalments = forms.IntegerField(label=_("Number of instalments"), min_value=1, max_value=120)
    start_date = forms.DateField(label=_("First instalment on"), widget=DATE)


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PaymentPlan.Status.choices)


class CaseNoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class LacSessionForm(forms.Form):
    date = forms.DateField(label=_("Date of the session"), widget=DATE)
    escalate_days_before = forms.IntegerField(
        label=_("Tell the coordinator this many days before, if clients are not reached"),
        min_value=0,
        max_value=60,
        initial=10,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=AgendaItem.Decision.choices)
    decided_on = forms.DateField(label=_("Date"), widget=DATE)
    motivation = forms.CharField(
        label=_("Motivation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    plan_total = forms.DecimalField(
        label=_("Payment plan: total"),
        required=False,
        max_digits=10,
        decimal_places=2,
        localize=True,
    )
    plan_instalments = forms.IntegerField(
        label=_("Payment plan: instalments"), required=False, min_value=1, max_value=120
    )
    plan_start = forms.DateField(
        label=_("Payment plan: first instalment on"), required=False, widget=DATE
    )

    def plan(self) -> dict | None:
        data = self.cleaned_data
        if data.get("plan_total") and data.get("plan_instalments") and data.get("plan_start"):
            return {
                "total_amount": data["plan_total"],
                "instalments": data["plan_instalments"],
                "start_date": data["plan_start"],
            }
        return None


class SessionHeldForm(forms.Form):
    members_present = forms.CharField(
        label=_("Members present"), widget=forms.Textarea(attrs={"rows": 3})
    )


class LacUploadForm(forms.Form):
    file = forms.FileField(label=_("LAC list (CSV)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class AssignCaseForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("Social worker"), queryset=None)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.models import User

        self.fields["worker"].queryset = (
            User.objects.filter(
                memberships__team__organisation=case.ocmw, memberships__team__handles_arrears=True
            )
            .distinct()
            .order_by("full_name")
        )
