import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation
from partners.principal import as_principal, people_in_arrears_teams
from portal.core.forms import AmountField, PlausibleDateField, VersionedModelForm, choose_one
from referrals.cases.models import AgendaItem, ArrearsRecord, PaymentPlan

_field = ArrearsRecord._meta.get_field


class ArrearsForm(VersionedModelForm):
    amount_outstanding = AmountField(label=capfirst(_field("amount_outstanding").verbose_name))
    flow_limiter_since = PlausibleDateField(
        label=capfirst(_field("flow_limiter_since").verbose_name), required=False, years_ahead=0
    )

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
        widgets = {"justification_note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["water_company"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.WATER_COMPANY
        )


class InvoiceForm(forms.Form):
    number = forms.CharField(label=_("Invoice number"), max_length=40)
    issued_on = PlausibleDateField(label=_("Invoice date"), years_back=10, years_ahead=0)
    amount = AmountField(label=_("Amount"))


class PaymentPlanForm(forms.Form):
    total_amount = AmountField(label=_("Total amount"), min_value=Decimal("0.01"))
    instalments = forms.IntegerField(label=_("Number of instalments"), min_value=1, max_value=120)
    start_date = PlausibleDateField(label=_("First instalment on"), years_back=1, years_ahead=2)


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=choose_one(PaymentPlan.Status.choices))


class CaseNoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class LacSessionForm(forms.Form):
    # Planned up to two years ahead; one held lately may be entered afterwards.
    on = PlausibleDateField(label=_("Date of the session"), years_back=2, years_ahead=2)
    escalate_days_before = forms.IntegerField(
        label=_("Tell the coordinator this many days before, if clients are not reached"),
        min_value=0,
        max_value=60,
        initial=10,
    )


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=choose_one(AgendaItem.Decision.choices),
        error_messages={"required": _("Choose the decision.")},
    )
    decided_on = PlausibleDateField(label=_("Date"), years_back=2, years_ahead=2)
    motivation = forms.CharField(
        label=_("Motivation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    plan_total = AmountField(
        label=_("Payment plan: total"), required=False, min_value=Decimal("0.01")
    )
    plan_instalments = forms.IntegerField(
        label=_("Payment plan: instalments"), required=False, min_value=1, max_value=120
    )
    plan_start = PlausibleDateField(
        label=_("Payment plan: first instalment on"),
        required=False,
        years_back=1,
        years_ahead=2,
    )

    def recorded(self) -> dict:
        """The arguments of ``record_decision``: the decision, its date, motivation and plan."""
        data = self.cleaned_data
        return {
            "version": data["version"],
            "decision": data["decision"],
            "decided_on": data["decided_on"],
            "motivation": data["motivation"],
            "plan": self.plan(),
        }

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
    version = forms.IntegerField(widget=forms.HiddenInput)
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


# Up to this many people may take a case: the assign form is a plain list; beyond, a search.
ASSIGN_LIST_MAX = 25
# How many people the worker search shows at most.
WORKER_SEARCH_MAX = 20


def eligible_workers(ocmw_id: int):
    """Who may take a case of the OCMW: the members of its arrears-handling teams."""
    return people_in_arrears_teams(ocmw_id)


class AssignCaseForm(forms.Form):
    """Checks the chosen worker; the page offers the choice itself (see ``assign_choices``),
    so that a team of hundreds does not render hundreds of widget templates."""

    worker = forms.ModelChoiceField(label=_("Social worker"), queryset=None)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = eligible_workers(case.ocmw_id)


@dataclass(frozen=True)
class WorkerChoice:
    pk: int
    name: str
    email: str
    is_me: bool = False


@dataclass
class AssignChoices:
    """What the case page offers to assign the case: the whole (short) list, or a search
    with an "assign to me" shortcut when the list would be too long to choose from."""

    workers: list[WorkerChoice] = field(default_factory=list)  # short list, me first
    search: bool = False
    me: WorkerChoice | None = None  # set when searching and I may take the case
    query: str = ""
    results: list[WorkerChoice] = field(default_factory=list)
    more: bool = False  # more people match the query than are shown


def _choices(rows, user) -> list[WorkerChoice]:
    return [WorkerChoice(pk, name or email, email, pk == user.pk) for pk, name, email, *_ in rows]


def _by_name(choice: WorkerChoice) -> tuple:
    """Me first, then by name, accents and case aside (É next to E, not after z)."""
    return (not choice.is_me, unicodedata.normalize("NFKD", choice.name.casefold()), choice.email)


def assign_choices(case, *, user, query: str = "") -> AssignChoices:
    """One query of at most ASSIGN_LIST_MAX + 1 people tells a short list from a long one.

    Unordered, so the database stops after those rows even in a team of hundreds (a short
    list is sorted here); whether I may take the case comes along as a constant column.
    The search, when asked for, is a second query."""
    mine = as_principal(user).handles_arrears_in(case.ocmw_id)
    rows = list(
        eligible_workers(case.ocmw_id)
        .annotate(me_eligible=models.Value(mine))
        .order_by()
        .values_list("pk", "full_name", "email", "me_eligible")[: ASSIGN_LIST_MAX + 1]
    )
    if len(rows) <= ASSIGN_LIST_MAX:
        return AssignChoices(workers=sorted(_choices(rows, user), key=_by_name))
    me = WorkerChoice(user.pk, user.full_name or user.email, user.email, True)
    return search_workers(case, query, user=user, me=me if rows[0][3] else None)


def search_workers(case, query: str, *, user, me: WorkerChoice | None = None) -> AssignChoices:
    """Eligible workers whose name or e-mail address contains every word of the query
    (ignoring case): at most WORKER_SEARCH_MAX, and whether there are more."""
    query = " ".join(query.split())[:100]
    choices = AssignChoices(search=True, me=me, query=query)
    if not query:
        return choices
    matches = models.Q()
    for word in query.split()[:5]:
        matches &= models.Q(full_name__icontains=word) | models.Q(email__icontains=word)
    rows = list(
        eligible_workers(case.ocmw_id)
        .filter(matches)
        .order_by("full_name", "email")
        .values_list("pk", "full_name", "email")[: WORKER_SEARCH_MAX + 1]
    )
    choices.results = _choices(rows[:WORKER_SEARCH_MAX], user)
    choices.more = len(rows) > WORKER_SEARCH_MAX
    return choices
