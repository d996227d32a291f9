"""Forms for information sessions. They parse input; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Language, Organisation, Postcode, Team
from portal.core.forms import (
    PhoneField,
    PlausibleDateField,
    VersionedModelForm,
    choose_one,
)
from training.models import Audience, Evaluation, Registration, Session, Topic, Venue
from training.permissions import cohost_candidates
from training.services import MAX_HEADCOUNT, MAX_MATERIAL_BYTES, SESSION_FIELDS

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class TopicsField(forms.MultipleChoiceField):
    """Checkboxes stored as a space-separated list of topic codes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=Topic.choices, label=_("Topics"), **kwargs)

    def prepare_value(self, value):
        return value.split() if isinstance(value, str) else value

    def clean(self, value):
        return " ".join(super().clean(value))


class SessionForm(forms.Form):
    """Plan or edit a session. Date and times are asked separately: one day, start, end."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    topics = TopicsField()
    other_topic = forms.CharField(
        label=_("Other topic"),
        max_length=200,
        required=False,
        help_text=_("Only when you ticked 'Other'."),
    )
    audience = forms.ChoiceField(
        label=_("For whom"), choices=Audience.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(label=_("Language"), choices=choose_one(Language.choices))
    organising_team = forms.ModelChoiceField(
        label=_("Organising team"), queryset=Team.objects.none(), empty_label=_("Choose a team")
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"), queryset=Venue.objects.none(), empty_label=_("Choose a venue")
    )
    # Planned up to two years ahead; one held lately may still be entered or edited.
    date = PlausibleDateField(label=_("Date"), years_back=1, years_ahead=2)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME)
    capacity = forms.IntegerField(label=_("Number of places"), min_value=1, max_value=1000)
    description = forms.CharField(
        label=_("What it is about"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Short sentences in plain language. Say what people will learn."),
    )
    practical_info = forms.CharField(
        label=_("Practical information"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Session._meta.get_field("practical_info").help_text,
    )
    interpretation = forms.CharField(
        label=_("Interpreters present"), max_length=200, required=False
    )
    cohosts = forms.ModelMultipleChoiceField(
        label=_("Co-hosting partners"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only partners whose agreement allows co-hosting are listed."),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["organising_team"].queryset = (
            Team.objects.filter(Q(organisation=organisation) | Q(organisation__parent=organisation))
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        self.fields["venue"].queryset = Venue.objects.usable_for(organisation).select_related(
            "organisation"
        )
        self.fields["cohosts"].queryset = cohost_candidates(organisation)

    @classmethod
    def initial_from(cls, session: Session) -> dict:
        start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        initial = {name: getattr(session, name) for name in SESSION_FIELDS}
        initial.update(
            version=session.version,
            date=start.date(),
            start_time=start.time(),
            end_time=end.time(),
            cohosts=[c.organisation_id for c in session.cohosts.all()],
        )
        return initial

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("The session must end after it starts."))
            cleaned["starts_at"] = timezone.make_aware(dt.datetime.combine(day, start))
            cleaned["ends_at"] = timezone.make_aware(dt.datetime.combine(day, end))
        venue, capacity = cleaned.get("venue"), cleaned.get("capacity")
        if venue and capacity and capacity > venue.capacity:
            self.add_error(
                "capacity", _("The venue has only %(seats)s seats.") % {"seats": venue.capacity}
            )
        if Topic.OTHER in cleaned.get("topics", "").split() and not cleaned.get("other_topic"):
            self.add_error("other_topic", _("Say which other topic the session is about."))
        return cleaned

    def session_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in SESSION_FIELDS}


class PracticalDetailsForm(VersionedModelForm):
    practical_info = SessionForm.base_fields["practical_info"]
    interpretation = SessionForm.base_fields["interpretation"]

    class Meta:
        model = Session
        fields = ["practical_info", "interpretation"]


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the session cancelled?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organisations that registered people read this."),
    )


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Office or image file, at most 10 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_MATERIAL_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 10 MB)."))
        return upload


class RegistrationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("For which organisation?"), queryset=Organisation.objects.none()
    )
    kind = forms.ChoiceField(
        label=_("Whom do you register?"),
        choices=Registration.Kind.choices,
        widget=forms.RadioSelect,
    )
    participant_name = forms.CharField(
        label=_("Name of the person"), max_length=150, required=False
    )
    phone = PhoneField(
        label=_("Phone"),
        required=False,
        help_text=_("Only if the organiser may need to reach the person."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    consent = forms.BooleanField(
        label=_("The person agrees that we keep their name and contact details for this session."),
        required=False,
    )
    places = forms.IntegerField(
        label=_("Number of people"),
        min_value=1,
        max_value=MAX_HEADCOUNT,
        required=False,
        help_text=_("For a group without names, e.g. 4 people from your social grocery."),
    )

    def __init__(self, *args, organisations, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()
        if session.audience != Audience.PARTNER_STAFF:
            self.fields["kind"].choices = [
                choice for choice in Registration.Kind.choices if choice[0] != "self"
            ]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Registration.Kind.NAMED:
            if not cleaned.get("participant_name"):
                self.add_error("participant_name", _("Fill in the name of the person."))
            if not cleaned.get("consent"):
                self.add_error(
                    "consent",
                    _("Ask the person first whether they agree that we keep their name for this."),
                )
        elif kind == Registration.Kind.HEADCOUNT and not cleaned.get("places"):
            self.add_error("places", _("Say how many people you register."))
        return cleaned


class AttendanceForm(forms.Form):
    """Per registration (how many of its people came) or just one number."""

    mode = forms.ChoiceField(
        label=_("How do you record attendance?"),
        choices=[
            ("per_registration", _("Per registration")),
            ("count", _("Only the total number of people")),
        ],
        widget=forms.RadioSelect,
        initial="per_registration",
    )
    walk_ins = forms.IntegerField(
        label=_("People who came without registration"), min_value=0, initial=0, required=False
    )
    total = forms.IntegerField(label=_("Total number of people"), min_value=0, required=False)

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.registrations = list(registrations)
        for registration in self.registrations:
            self.fields[f"registration_{registration.pk}"] = forms.IntegerField(
                label=f"{registration.display_name} ({registration.organisation.name})",
                min_value=0,
                max_value=registration.places,
                initial=registration.attended
                if registration.attended is not None
                else registration.places,
                required=False,
            )

    def registration_fields(self):
        return [self[f"registration_{r.pk}"] for r in self.registrations]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == "count" and cleaned.get("total") is None:
            self.add_error("total", _("Fill in how many people came."))
        return cleaned

    def service_arguments(self) -> dict:
        if self.cleaned_data["mode"] == "count":
            return {"total": self.cleaned_data["total"]}
        return {
            "attended": {
                r.pk: self.cleaned_data.get(f"registration_{r.pk}") or 0 for r in self.registrations
            },
            "walk_ins": self.cleaned_data.get("walk_ins") or 0,
        }


class EvaluationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Organisation.objects.none()
    )
    useful = forms.ChoiceField(
        label=_("Was the session useful?"),
        choices=Evaluation.Usefulness.choices,
        widget=forms.RadioSelect,
    )
    missing = forms.CharField(
        label=_("What was missing?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Do not write names or other personal details."),
    )

    def __init__(self, *args, organisation_ids, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(pk__in=organisation_ids).order_by("name")
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()


class SessionRequestForm(forms.Form):
    ocmw = forms.ModelChoiceField(
        label=_("Which OCMW do you ask?"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an OCMW"),
    )
    venue = forms.ModelChoiceField(
        label=_("Where?"),
        queryset=Venue.objects.none(),
        required=False,
        empty_label=_("Not decided yet"),
        help_text=_("One of your organisation's venues."),
    )
    topics = TopicsField()
    other_topic = SessionForm.base_fields["other_topic"]
    audience = SessionForm.base_fields["audience"]
    # A wish for a coming session: from today, at most two years ahead.
    preferred_from = PlausibleDateField(label=_("Preferably from"), years_back=0, years_ahead=2)
    preferred_until = PlausibleDateField(label=_("Preferably until"), years_back=0, years_ahead=2)
    preferred_moments = forms.CharField(
        label=_("Best moments"),
        max_length=200,
        required=False,
        help_text=_("For example: Tuesday morning, after the food distribution."),
    )
    expected_people = forms.IntegerField(
        label=_("How many people do you expect?"), min_value=1, max_value=500
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisation: Organisation, ocmws, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ocmw"].queryset = ocmws
        if len(ocmws) == 1:
            self.fields["ocmw"].initial = ocmws[0].pk
        self.fields["venue"].queryset = Venue.objects.filter(
            organisation=organisation, is_active=True
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("preferred_from"), cleaned.get("preferred_until")
        if start and end and end < start:
            self.add_error("preferred_until", _("The end date comes before the start date."))
        return cleaned


class DeclineRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why can you not plan this session?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The partner reads this."),
    )


class VenueForm(VersionedModelForm):
    postcode = forms.ModelChoiceField(
        label=_("Postcode"),
        queryset=Postcode.objects.all(),
        required=False,
        help_text=_("Leave street and postcode empty to use your organisation's address."),
    )

    class Meta:
        model = Venue
        fields = [
            "name",
            "street",
            "postcode",
            "capacity",
            "accessibility",
            "directions",
            "is_active",
        ]
        widgets = {
            "accessibility": forms.Textarea(attrs={"rows": 3}),
            "directions": forms.Textarea(attrs={"rows": 3}),
        }


class SessionFilterForm(forms.Form):
    """Filters of the session list, the month view and the API.

    ``where`` says which part of Flanders: "near" (see ``SessionQuerySet.near``) or
    "all". Each page chooses its default; the month view starts near the person.
    """

    WHEN_CHOICES = [
        ("upcoming", _("Coming sessions")),
        ("past", _("Past sessions")),
        ("all", _("All sessions")),
    ]
    NEAR, ALL = "near", "all"
    WHERE_CHOICES = [(NEAR, _("Near me")), (ALL, _("All of Flanders"))]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or venue")}),
    )
    where = forms.ChoiceField(label=_("Where"), choices=WHERE_CHOICES, required=False)
    when = forms.ChoiceField(label=_("When"), choices=WHEN_CHOICES, required=False)
    day = PlausibleDateField(label=_("Day"), required=False, years_ahead=5)
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All topics")), *Topic.choices], required=False
    )
    audience = forms.ChoiceField(
        label=_("For whom"), choices=[("", _("Everyone")), *Audience.choices], required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("All languages")), *Language.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Session.Status.choices], required=False
    )
    mine = forms.BooleanField(label=_("Only sessions I organise or co-host"), required=False)

    def __init__(self, data=None, *args, default_where: str = ALL, **kwargs):
        # The page's default is filled in, so the form shows the scope actually applied.
        if data is not None and not data.get("where"):
            data = data.copy()
            data["where"] = default_where
        super().__init__(data, *args, **kwargs)
        self.default_where = default_where

    @property
    def where_applied(self) -> str:
        """The scope applied: "near" or "all"."""
        if self.is_valid() and self.cleaned_data.get("where"):
            return self.cleaned_data["where"]
        return self.default_where

    def filter(self, queryset, scope, *, default_when: str = "upcoming"):
        """Apply the filters; invalid input gives an empty list, not an error page."""
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        # A chosen day is shown whole, past or coming.
        when = data.get("when") or ("all" if data.get("day") else default_when)
        if when == "upcoming":
            queryset = queryset.upcoming()
        elif when == "past":
            queryset = queryset.past()
        if data.get("day"):
            queryset = queryset.on_day(data["day"])
        queryset = queryset.search(data.get("q") or "")
        if data.get("topic"):
            queryset = queryset.with_topic(data["topic"])
        for name in ("audience", "language", "status"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("mine"):
            queryset = queryset.organised_or_cohosted_by(scope)
        if data.get("where") == self.NEAR:
            queryset = queryset.near(scope)
        return queryset
