"""Serializers of the sessions API: output and input kept apart. Output serializers only
ever receive objects the reader may see (the querysets decide)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers

from partners.models import Language, Organisation, Postcode, Team
from training import services
from training.models import (
    Audience,
    Evaluation,
    Registration,
    Session,
    SessionRequest,
    Topic,
    Venue,
)

# Output serializers ---------------------------------------------------------


class VenueSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    address = serializers.CharField(read_only=True)

    class Meta:
        model = Venue
        fields = [
            "id", "organisation", "organisation_name", "name", "address", "capacity",
            "accessibility", "directions", "is_active", "version",
        ]  # fmt: skip


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SessionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    topics = serializers.ListField(source="topic_list", child=serializers.CharField())
    venue = VenueSerializer(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    cohosts = serializers.SerializerMethodField()
    confirmed_places = serializers.IntegerField(read_only=True, default=0)
    waiting_places = serializers.IntegerField(read_only=True, default=0)
    html_url = serializers.SerializerMethodField()
    ics_url = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id", "reference", "title", "topics", "other_topic", "audience", "language",
            "status", "starts_at", "ends_at", "capacity", "confirmed_places", "waiting_places",
            "venue", "organisation", "organisation_name", "organising_team", "cohosts",
            "description", "practical_info", "interpretation", "people_reached",
            "cancellation_reason", "version", "html_url", "ics_url",
        ]  # fmt: skip

    @extend_schema_field(OrganisationRefSerializer(many=True))
    def get_cohosts(self, obj):
        return [{"id": c.organisation_id, "name": c.organisation.name} for c in obj.cohosts.all()]

    def get_html_url(self, obj) -> str:
        return reverse("session_detail", args=[obj.pk])

    def get_ics_url(self, obj) -> str:
        return reverse("session_ics", args=[obj.pk])


class RegistrationSerializer(serializers.ModelSerializer):
    """Only ever given registrations the reader may see with names (see
    ``Registration.objects.visible_to``)."""

    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    # Plain text here: the choices are documented once, on the input.
    kind = serializers.CharField(read_only=True, help_text="named, headcount or self")

    class Meta:
        model = Registration
        fields = [
            "id", "session", "organisation", "organisation_name", "kind", "places", "name",
            "phone", "email", "status", "attended", "created_at", "confirmed_at", "cancelled_at",
        ]  # fmt: skip


class SessionRequestSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    ocmw_name = serializers.CharField(source="ocmw.name", read_only=True)
    topics = serializers.SerializerMethodField()

    class Meta:
        model = SessionRequest
        fields = [
            "id", "reference", "organisation", "organisation_name", "ocmw", "ocmw_name", "venue",
            "topics", "other_topic", "audience", "preferred_from", "preferred_until",
            "preferred_moments", "expected_people", "note", "status", "session",
            "decline_reason", "created_at", "decided_at",
        ]  # fmt: skip

    def get_topics(self, obj) -> list[str]:
        return obj.topics.split()


class TopicFigureSerializer(serializers.Serializer):
    topic = serializers.CharField()
    label = serializers.CharField()
    sessions = serializers.IntegerField()
    people = serializers.IntegerField()


class VenueFigureSerializer(serializers.Serializer):
    venue = serializers.IntegerField(source="venue_id")
    name = serializers.CharField(source="venue__name")
    organisation_name = serializers.CharField(source="venue__organisation__name")
    sessions = serializers.IntegerField()
    people = serializers.IntegerField()


class PartnerFigureSerializer(serializers.Serializer):
    name = serializers.CharField()
    registered = serializers.IntegerField()
    attended = serializers.IntegerField()
    cohosted = serializers.IntegerField()


class SessionFigureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    people_reached = serializers.IntegerField(allow_null=True)
    referrals = serializers.IntegerField(source="referral_count", default=None, allow_null=True)


class FiguresSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation.pk")
    year = serializers.IntegerField()
    held = serializers.IntegerField()
    people_reached = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    to_close = serializers.IntegerField()
    referrals = serializers.IntegerField(allow_null=True)
    by_topic = TopicFigureSerializer(many=True)
    by_venue = VenueFigureSerializer(many=True)
    by_partner = PartnerFigureSerializer(many=True)
    sessions = SessionFigureSerializer(many=True)
    usefulness = serializers.DictField(child=serializers.IntegerField())


# Input serializers ----------------------------------------------------------


class SessionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    topics = serializers.ListField(child=serializers.ChoiceField(choices=Topic.choices))
    other_topic = serializers.CharField(max_length=200, required=False, allow_blank=True)
    audience = serializers.ChoiceField(choices=Audience.choices)
    language = serializers.ChoiceField(choices=Language.choices, default="nl")
    venue = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.all())
    organising_team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1, max_value=1000)
    description = serializers.CharField()
    practical_info = serializers.CharField(required=False, allow_blank=True)
    interpretation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    cohosts = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True, required=False
    )

    def session_fields(self) -> dict:
        data = dict(self.validated_data)
        data.pop("cohosts", None)
        data.pop("organisation", None)
        data.pop("version", None)
        return data


class SessionCreateSerializer(SessionInputSerializer):
    organisation = serializers.IntegerField(help_text="The OCMW (or internal service) you plan for")


class SessionUpdateSerializer(SessionInputSerializer):
    version = serializers.IntegerField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class PracticalInputSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    practical_info = serializers.CharField(required=False, allow_blank=True)
    interpretation = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class AttendanceLineSerializer(serializers.Serializer):
    registration = serializers.IntegerField()
    came = serializers.IntegerField(min_value=0)


class AttendanceInputSerializer(serializers.Serializer):
    attended = AttendanceLineSerializer(
        many=True, required=False, help_text="Per registration; leave out to give only a total"
    )
    walk_ins = serializers.IntegerField(min_value=0, default=0)
    total = serializers.IntegerField(min_value=0, required=False)

    def service_arguments(self) -> dict:
        data = self.validated_data
        if "attended" in data:
            return {
                "attended": {line["registration"]: line["came"] for line in data["attended"]},
                "walk_ins": data["walk_ins"],
            }
        return {"total": data.get("total")}


class EvaluationInputSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    useful = serializers.ChoiceField(choices=Evaluation.Usefulness.choices)
    missing = serializers.CharField(required=False, allow_blank=True, default="")


class RegistrationInputSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    organisation = serializers.IntegerField(help_text="Your organisation")
    kind = serializers.ChoiceField(choices=Registration.Kind.choices)
    places = serializers.IntegerField(min_value=1, max_value=services.MAX_HEADCOUNT, default=1)
    participant_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    consent = serializers.BooleanField(
        default=False, help_text="The person agrees that their name and contact data are kept"
    )


class SessionRequestInputSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(help_text="Your organisation")
    ocmw = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(kind="ocmw"))
    venue = serializers.PrimaryKeyRelatedField(
        queryset=Venue.objects.all(), required=False, allow_null=True, default=None
    )
    topics = serializers.ListField(child=serializers.ChoiceField(choices=Topic.choices))
    other_topic = serializers.CharField(max_length=200, required=False, allow_blank=True)
    audience = serializers.ChoiceField(choices=Audience.choices)
    preferred_from = serializers.DateField()
    preferred_until = serializers.DateField()
    preferred_moments = serializers.CharField(max_length=200, required=False, allow_blank=True)
    expected_people = serializers.IntegerField(min_value=1, max_value=500)
    note = serializers.CharField(required=False, allow_blank=True)


class PlanRequestInputSerializer(SessionInputSerializer):
    organisation = serializers.IntegerField(
        required=False, help_text="Defaults to the OCMW that was asked"
    )


class VenueInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.PrimaryKeyRelatedField(
        queryset=Postcode.objects.all(), required=False, allow_null=True
    )
    capacity = serializers.IntegerField(min_value=1, max_value=5000)
    accessibility = serializers.CharField(required=False, allow_blank=True)
    directions = serializers.CharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(default=True)


class VenueCreateSerializer(VenueInputSerializer):
    organisation = serializers.IntegerField(help_text="Your organisation")


class VenueUpdateSerializer(VenueInputSerializer):
    version = serializers.IntegerField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class FiguresQuerySerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
