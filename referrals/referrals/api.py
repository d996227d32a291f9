"""REST API for referrals: the same visibility, services and rules as the pages.

The referrer and the receiving OCMW team get different serializers (not one
serializer with fields switched on and off): the referrer's never carries
case details, and its status disappears when the client withdraws consent.
"""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from partners.models import Postcode, Team
from partners.principal import as_principal
from portal.core.api import VersionedMixin
from portal.core.api_permissions import IsMember
from portal.core.models import User
from referrals.referrals import services
from referrals.referrals.access import get_referral_for_user_or_404
from referrals.referrals.models import OPEN_STATUSES, Channel, Consent, Referral
from referrals.referrals.permissions import is_receiver, is_referrer, referrer_sees_status

# Output: the referrer's side ---------------------------------------------------


class AppointmentSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    place = serializers.CharField()


class SharedMessageSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    message = serializers.CharField()


class SentReferralSerializer(serializers.ModelSerializer):
    """One row of the referrer's list: status only while consent allows feedback."""

    reference = serializers.CharField(read_only=True)
    client_name = serializers.CharField(source="client.full_name")
    ocmw = serializers.CharField(source="receiving_ocmw.name")
    team = serializers.CharField(source="receiving_team.name")
    status = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "client_name",
            "reason",
            "ocmw",
            "team",
            "status",
            "created_at",
            "submitted_at",
            "version",
        ]

    @staticmethod
    def feedback(obj: Referral) -> bool:
        return obj.status == Referral.Status.DRAFT or referrer_sees_status(obj)

    @extend_schema_field(serializers.ChoiceField(choices=Referral.Status.choices, allow_null=True))
    def get_status(self, obj) -> str | None:
        return obj.status if self.feedback(obj) else None


class SentReferralDetailSerializer(SentReferralSerializer):
    acknowledged_at = serializers.SerializerMethodField()
    first_contact_at = serializers.SerializerMethodField()
    closed_at = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    appointment = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()

    class Meta(SentReferralSerializer.Meta):
        fields = [
            *SentReferralSerializer.Meta.fields,
            "acknowledged_at",
            "first_contact_at",
            "closed_at",
            "outcome",
            "appointment",
            "messages",
        ]

    def _if_feedback(self, obj, value):
        return value if self.feedback(obj) else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_acknowledged_at(self, obj):
        return self._if_feedback(obj, obj.acknowledged_at)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_first_contact_at(self, obj):
        return self._if_feedback(obj, obj.first_contact_at)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_closed_at(self, obj):
        return self._if_feedback(obj, obj.closed_at)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_outcome(self, obj) -> str | None:
        return self._if_feedback(obj, obj.outcome or None)

    @extend_schema_field(AppointmentSerializer(allow_null=True))
    def get_appointment(self, obj):
        if not (self.feedback(obj) and obj.offers_to_accompany and obj.appointment_at):
            return None
        return {"at": obj.appointment_at, "place": obj.appointment_place}

    @extend_schema_field(SharedMessageSerializer(many=True))
    def get_messages(self, obj):
        if not self.feedback(obj):
            return []
        entries = obj.timeline.filter(visible_to_referrer=True).exclude(message="")
        return SharedMessageSerializer(entries, many=True).data


# Output: the receiving OCMW team's side -------------------------------------------


class ClientSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    street = serializers.CharField()
    postcode = serializers.CharField(source="postcode.code")
    place = serializers.CharField(source="postcode.name")
    phone = serializers.CharField()
    email = serializers.CharField()
    language = serializers.CharField()
    interpreter_needed = serializers.BooleanField()
    preferred_channel = serializers.CharField()
    preferred_times = serializers.CharField()
    voicemail_allowed = serializers.BooleanField()
    closed_envelope = serializers.BooleanField()
    trusted_person = serializers.CharField()


class ConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = [
            "share_details",
            "ocmw_may_contact",
            "feedback",
            "method",
            "given_by",
            "given_at",
            "text_version",
            "withdrawn_at",
        ]


class ReceivedReferralSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    client = ClientSerializer()
    referrer = serializers.CharField(source="referring_team.organisation.name")
    assigned_to = serializers.CharField(source="assigned_to.full_name", allow_null=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "client",
            "referrer",
            "reason",
            "status",
            "urgent",
            "lac_letter_received",
            "lac_session_date",
            "supply_limited",
            "description",
            "offers_to_accompany",
            "accompany_availability",
            "contact_via",
            "assigned_to",
            "appointment_at",
            "appointment_place",
            "outcome",
            "refusal_reason",
            "submitted_at",
            "acknowledged_at",
            "first_contact_at",
            "closed_at",
            "version",
        ]


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    message = serializers.CharField()
    visible_to_referrer = serializers.BooleanField()
    actor = serializers.CharField(source="actor.full_name", allow_null=True, default=None)


class ReceivedReferralDetailSerializer(ReceivedReferralSerializer):
    consent = ConsentSerializer(allow_null=True)
    timeline = TimelineEntrySerializer(many=True)

    class Meta(ReceivedReferralSerializer.Meta):
        fields = [*ReceivedReferralSerializer.Meta.fields, "consent", "timeline"]


# Input -------------------------------------------------------------------------


class ClientInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=150)
    street = serializers.CharField(max_length=200)
    postcode = serializers.PrimaryKeyRelatedField(queryset=Postcode.objects.all())
    phone = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    language = serializers.CharField(max_length=8, default="nl")
    interpreter_needed = serializers.BooleanField(default=False)
    preferred_channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PHONE)
    preferred_times = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    voicemail_allowed = serializers.BooleanField(default=False)
    closed_envelope = serializers.BooleanField(default=False)
    trusted_person = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )


class ConsentInputSerializer(serializers.Serializer):
    share_details = serializers.BooleanField()
    ocmw_may_contact = serializers.BooleanField()
    feedback = serializers.ChoiceField(choices=Consent.Feedback.choices)
    method = serializers.ChoiceField(choices=Consent.Method.choices)
    given_by = serializers.CharField(max_length=150)


class ReferralInputSerializer(serializers.Serializer):
    team = serializers.IntegerField(help_text="Your referring team")
    client = ClientInputSerializer()
    consent = ConsentInputSerializer(required=False, allow_null=True, default=None)
    submit = serializers.BooleanField(default=True, help_text="False keeps a draft")
    reason = serializers.ChoiceField(choices=Referral.Reason.choices)
    description = serializers.CharField(max_length=2000)
    lac_letter_received = serializers.BooleanField(default=False)
    lac_session_date = serializers.DateField(required=False, allow_null=True, default=None)
    supply_limited = serializers.BooleanField(default=False)
    offers_to_accompany = serializers.BooleanField(default=False)
    accompany_availability = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    contact_via = serializers.ChoiceField(choices=Referral.ContactVia.choices, default="direct")


class VersionInput(serializers.Serializer):
    version = serializers.IntegerField()


class ContactInput(VersionInput):
    message = serializers.CharField(required=False, default="", allow_blank=True)
    share = serializers.BooleanField(default=False)


class AppointmentInput(VersionInput):
    at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    message = serializers.CharField(required=False, default="", allow_blank=True)


class CloseInput(VersionInput):
    outcome = serializers.ChoiceField(choices=Referral.Outcome.choices)
    message = serializers.CharField(required=False, default="", allow_blank=True)


class RefuseInput(VersionInput):
    reason = serializers.ChoiceField(choices=Referral.RefusalReason.choices)
    message = serializers.CharField(required=False, default="", allow_blank=True)


class TransferInput(VersionInput):
    to_team = serializers.IntegerField()
    message = serializers.CharField(required=False, default="", allow_blank=True)


class AssignInput(VersionInput):
    worker = serializers.IntegerField()


class WithdrawInput(VersionInput):
    message = serializers.CharField(required=False, default="", allow_blank=True)


class MessageInput(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    visible_to_referrer = serializers.BooleanField(default=False)


# Views ---------------------------------------------------------------------------

# The receiving team and the referrer get different representations of one referral.
REFERRAL_DETAIL = PolymorphicProxySerializer(
    component_name="ReferralDetail",
    serializers=[ReceivedReferralDetailSerializer, SentReferralDetailSerializer],
    resource_type_field_name=None,
)


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50


class OldestSubmittedFirst(CursorPagination):
    ordering = ("submitted_at", "id")
    page_size = 50


class ReferralViewSet(VersionedMixin, viewsets.GenericViewSet):
    """Referrals: ``sent`` for referrers, ``inbox`` for the receiving OCMW teams."""

    permission_classes = [IsMember]
    queryset = Referral.objects.none()
    serializer_class = SentReferralSerializer
    versioned_actions = frozenset(
        [
            "submit",
            "acknowledge",
            "assign",
            "contact",
            "appointment",
            "close",
            "refuse",
            "transfer",
            "withdraw",
        ]
    )

    def versioned_object(self):
        return self._fetch(self.kwargs["pk"])

    def _detail(self, request, referral):
        if is_receiver(request.user, referral):
            return ReceivedReferralDetailSerializer(referral).data
        if is_referrer(request.user, referral):
            return SentReferralDetailSerializer(referral).data
        raise NotFound

    def _fetch(self, pk) -> Referral:
        return get_referral_for_user_or_404(self.request.user, pk)

    @extend_schema(responses=SentReferralSerializer(many=True))
    @action(detail=False, pagination_class=NewestFirst)
    def sent(self, request):
        queryset = Referral.objects.sent_by(request.user).for_lists().select_related("consent")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(SentReferralSerializer(page, many=True).data)

    @extend_schema(
        responses=ReceivedReferralSerializer(many=True),
        parameters=[OpenApiParameter("open", bool, description="Only referrals still open")],
    )
    @action(detail=False, pagination_class=OldestSubmittedFirst)
    def inbox(self, request):
        queryset = Referral.objects.inbox_of(request.user).for_lists()
        if request.query_params.get("open") == "true":
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ReceivedReferralSerializer(page, many=True).data)

    @extend_schema(responses=REFERRAL_DETAIL)
    def retrieve(self, request, pk=None):
        return Response(self._detail(request, self._fetch(pk)))

    @extend_schema(request=ReferralInputSerializer, responses=SentReferralDetailSerializer)
    def create(self, request):
        data = ReferralInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        team_id = fields.pop("team")
        team = Team.objects.filter(pk=team_id).first()
        if team is None or not as_principal(request.user).is_in_team(team_id):
            raise NotFound
        client, consent, submit = fields.pop("client"), fields.pop("consent"), fields.pop("submit")
        referral = services.create_referral(
            actor=request.user,
            team=team,
            client=client,
            referral=fields,
            consent=consent,
            submit=submit,
        )
        return Response(SentReferralDetailSerializer(referral).data, status=status.HTTP_201_CREATED)

    def _act(self, request, pk, input_class, call):
        referral = self._fetch(pk)
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        call(referral, dict(data.validated_data))
        if not Referral.objects.visible_to(request.user).filter(pk=pk).exists():
            # A transfer can move the referral out of the caller's sight: it worked,
            # there is nothing left to show them (not 404, which says it failed).
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(self._detail(request, self._fetch(pk)))

    @extend_schema(request=VersionInput, responses=REFERRAL_DETAIL)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(
            request,
            pk,
            VersionInput,
            lambda r, d: services.submit_referral(r, actor=request.user, version=d["version"]),
        )

    @extend_schema(request=VersionInput, responses=REFERRAL_DETAIL)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._act(
            request,
            pk,
            VersionInput,
            lambda r, d: services.acknowledge_referral(r, actor=request.user, version=d["version"]),
        )

    @extend_schema(request=AssignInput, responses=REFERRAL_DETAIL)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        def call(referral, d):
            worker = User.objects.filter(pk=d["worker"]).first()
            if worker is None:
                raise NotFound
            services.assign_referral(
                referral, actor=request.user, worker=worker, version=d["version"]
            )

        return self._act(request, pk, AssignInput, call)

    @extend_schema(request=ContactInput, responses=REFERRAL_DETAIL)
    @action(detail=True, methods=["post"])
    def contact(self, request, pk=None):
        return self._act(
            request,
            pk,
            ContactInput,
            lambda r, d: services.record_contact(r, actor=request.user, **d),
        )

    @extend_schema(request=AppointmentInput, responses=REFERRAL_DETAIL)
    @action(detail=True, methods=["post"])
    def appointment(self, request, pk=None):
        return self._act(
            request,
            pk,
            AppointmentInput,
            lambda r, d: services.plan_appointment(r, actor=request.user, **d),
        )

    @extend_schema(request=CloseInput, responses=REFERRAL_DETAIL)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(
            request,
            pk,
            CloseInput,
            lambda r, d: services.close_referral(r, actor=request.user, **d),
        )

    @extend_schema(request=RefuseInput, responses=REFERRAL_DETAIL)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._act(
            request,
            pk,
            RefuseInput,
            lambda r, d: services.refuse_referral(r, actor=request.user, **d),
        )

    @extend_schema(request=TransferInput, responses={200: REFERRAL_DETAIL, 204: None})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        def call(referral, d):
            team = Team.objects.select_related("organisation").filter(pk=d["to_team"]).first()
            if team is None:
                raise NotFound
            services.transfer_referral(
                referral,
                actor=request.user,
                version=d["version"],
                to_team=team,
                message=d["message"],
            )

        return self._act(request, pk, TransferInput, call)

    @extend_schema(request=WithdrawInput, responses=REFERRAL_DETAIL)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._act(
            request,
            pk,
            WithdrawInput,
            lambda r, d: services.withdraw_referral(r, actor=request.user, **d),
        )

    @extend_schema(request=VersionInput, responses=REFERRAL_DETAIL)
    @action(detail=True, methods=["post"], url_path="withdraw-consent")
    def withdraw_consent(self, request, pk=None):
        return self._act(
            request,
            pk,
            VersionInput,
            lambda r, d: services.withdraw_consent(r, actor=request.user, **d),
        )

    @extend_schema(request=MessageInput, responses=REFERRAL_DETAIL)
    @action(detail=True, methods=["post"])
    def messages(self, request, pk=None):
        return self._act(
            request,
            pk,
            MessageInput,
            lambda r, d: services.post_message(r, actor=request.user, **d),
        )
