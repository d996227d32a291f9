"""Viewsets of the sessions API: the same access helpers, rules and services as the pages."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from partners.models import Language
from partners.principal import as_principal
from portal.core.api import PreconditionRequired, VersionedMixin
from portal.core.api_permissions import IsMember
from training import access, services
from training.api.serializers import (
    AttendanceInputSerializer,
    EvaluationInputSerializer,
    FiguresQuerySerializer,
    FiguresSerializer,
    PlanRequestInputSerializer,
    PracticalInputSerializer,
    ReasonInputSerializer,
    RegistrationInputSerializer,
    RegistrationSerializer,
    SessionCreateSerializer,
    SessionRequestInputSerializer,
    SessionRequestSerializer,
    SessionSerializer,
    SessionUpdateSerializer,
    VenueCreateSerializer,
    VenueSerializer,
    VenueUpdateSerializer,
)
from training.figures import figures_for
from training.forms import SessionFilterForm
from training.models import (
    Audience,
    Registration,
    Session,
    SessionRequest,
    Topic,
    Venue,
)


class ByStart(CursorPagination):
    ordering = ("starts_at", "id")
    page_size = 50


class ByCreation(CursorPagination):
    ordering = ("created_at", "id")
    page_size = 50


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50


class ByName(CursorPagination):
    ordering = ("name", "id")
    page_size = 50


SESSION_FILTERS = [
    OpenApiParameter(
        "when", str, enum=["upcoming", "past", "all"], description="Default: upcoming"
    ),
    OpenApiParameter("q", str, description="Search in title and venue"),
    OpenApiParameter("topic", str, enum=Topic.values),
    OpenApiParameter("audience", str, enum=Audience.values),
    OpenApiParameter("language", str, enum=Language.values),
    OpenApiParameter("status", str, enum=Session.Status.values),
    OpenApiParameter("mine", bool, description="Only sessions you organise or co-host"),
    OpenApiParameter(
        "where",
        str,
        enum=["near", "all"],
        description=(
            "near: sessions of the OCMWs your organisation works with, or held in the "
            "municipalities they serve, and your own; all (default): all of Flanders"
        ),
    ),
    OpenApiParameter(
        "day", OpenApiTypes.DATE, description="Only sessions on this day (past or coming)"
    ),
]


@extend_schema_view(list=extend_schema(parameters=SESSION_FILTERS))
class SessionViewSet(
    VersionedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Information sessions you may see; planners create and change them."""

    permission_classes = [IsMember]
    serializer_class = SessionSerializer
    pagination_class = ByStart
    filter_backends: list = []
    queryset = Session.objects.none()
    versioned_actions = precondition_required = frozenset({"partial_update", "practical"})

    def versioned_object(self):
        if self.action == "practical":
            return access.get_practical_session_or_404(self.request.user, self.kwargs["pk"])
        return access.get_editable_session_or_404(self.request.user, self.kwargs["pk"])

    def get_queryset(self):
        scope = as_principal(self.request.user)
        sessions = (
            Session.objects.visible_to(self.request.user, scope)
            .for_listing()
            .select_related("organising_team")
        )
        return SessionFilterForm(self.request.query_params).filter(sessions, scope)

    def get_object(self):
        return access.get_session_or_404(self.request.user, self.kwargs["pk"])

    @extend_schema(request=SessionCreateSerializer, responses={201: SessionSerializer})
    def create(self, request):
        data = SessionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = access.get_planning_organisation_or_404(
            request.user, data.validated_data["organisation"]
        )
        session = services.create_session(
            organisation,
            actor=request.user,
            cohosts=data.validated_data.get("cohosts", []),
            **data.session_fields(),
        )
        return Response(self._out(session), status=status.HTTP_201_CREATED)

    @extend_schema(request=SessionUpdateSerializer, responses=SessionSerializer)
    def partial_update(self, request, pk=None):
        session = access.get_editable_session_or_404(request.user, pk)
        data = SessionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.update_session(
            session,
            actor=request.user,
            version=_required_version(data.validated_data),
            changes=data.session_fields(),
            cohosts=data.validated_data.get("cohosts"),
        )
        return Response(self._out(session))

    def _out(self, session: Session) -> dict:
        return SessionSerializer(access.get_session_or_404(self.request.user, session.pk)).data

    @extend_schema(request=PracticalInputSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["patch"])
    def practical(self, request, pk=None):
        session = access.get_practical_session_or_404(request.user, pk)
        data = PracticalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = _required_version(changes)
        changes.pop("version", None)
        services.update_practical_details(
            session, actor=request.user, version=version, changes=changes
        )
        return Response(self._out(session))

    @extend_schema(request=None, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        session = access.get_editable_session_or_404(request.user, pk)
        services.publish_session(session, actor=request.user)
        return Response(self._out(session))

    @extend_schema(request=ReasonInputSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        session = access.get_editable_session_or_404(request.user, pk)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.cancel_session(session, actor=request.user, reason=data.validated_data["reason"])
        return Response(self._out(session))

    @extend_schema(request=AttendanceInputSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        session = access.get_attendance_session_or_404(request.user, pk)
        data = AttendanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_attendance(session, actor=request.user, **data.service_arguments())
        return Response(self._out(session))

    @extend_schema(request=EvaluationInputSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def evaluation(self, request, pk=None):
        session = self.get_object()
        data = EvaluationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = access.get_member_organisation_or_404(
            request.user, data.validated_data["organisation"]
        )
        services.submit_evaluation(
            session,
            actor=request.user,
            organisation=organisation,
            useful=data.validated_data["useful"],
            missing=data.validated_data["missing"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        description="What one organisation's information sessions reached in a year.",
        parameters=[FiguresQuerySerializer],  # its fields, with their limits, as query parameters
        responses=FiguresSerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def figures(self, request):
        params = FiguresQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        organisation = access.get_planning_organisation_or_404(
            request.user, params.validated_data["organisation"]
        )
        return Response(
            FiguresSerializer(figures_for(organisation, params.validated_data["year"])).data
        )


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("session", OpenApiTypes.INT)]))
class RegistrationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Registrations of your organisation, and of the sessions you organise."""

    permission_classes = [IsMember]
    serializer_class = RegistrationSerializer
    pagination_class = ByCreation
    filter_backends: list = []
    queryset = Registration.objects.none()

    def get_queryset(self):
        registrations = Registration.objects.visible_to(self.request.user).select_related(
            "organisation", "participant_user"
        )
        session = self.request.query_params.get("session")
        if session:
            if not session.isdigit():
                return registrations.none()
            registrations = registrations.filter(session_id=int(session))
        return registrations

    @extend_schema(request=RegistrationInputSerializer, responses={201: RegistrationSerializer})
    def create(self, request):
        data = RegistrationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        session = access.get_session_or_404(request.user, fields.pop("session"))
        organisation = access.get_member_organisation_or_404(
            request.user, fields.pop("organisation")
        )
        registration = services.register_people(
            session, actor=request.user, organisation=organisation, **fields
        )
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        registration = self.get_object()
        registration = services.cancel_registration(registration, actor=request.user)
        return Response(RegistrationSerializer(registration).data)


class SessionRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Requests of your organisation, and those sent to the OCMWs you plan for."""

    permission_classes = [IsMember]
    serializer_class = SessionRequestSerializer
    pagination_class = NewestFirst
    filter_backends: list = []
    queryset = SessionRequest.objects.none()

    def get_queryset(self):
        return SessionRequest.objects.visible_to(self.request.user).select_related(
            "organisation", "ocmw"
        )

    def get_object(self):
        return access.get_request_or_404(self.request.user, self.kwargs["pk"])

    @extend_schema(request=SessionRequestInputSerializer, responses={201: SessionRequestSerializer})
    def create(self, request):
        data = SessionRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organisation = access.get_member_organisation_or_404(
            request.user, fields.pop("organisation")
        )
        session_request = services.request_session(organisation, actor=request.user, **fields)
        return Response(
            SessionRequestSerializer(session_request).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=PlanRequestInputSerializer, responses={201: SessionSerializer})
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        session_request = access.get_decidable_request_or_404(request.user, pk)
        data = PlanRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = None
        if "organisation" in data.validated_data:
            organisation = access.get_planning_organisation_or_404(
                request.user, data.validated_data["organisation"]
            )
        session = services.plan_requested_session(
            session_request,
            actor=request.user,
            organisation=organisation,
            cohosts=data.validated_data.get("cohosts"),
            **data.session_fields(),
        )
        return Response(
            SessionSerializer(access.get_session_or_404(request.user, session.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ReasonInputSerializer, responses=SessionRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        session_request = access.get_decidable_request_or_404(request.user, pk)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session_request = services.decline_session_request(
            session_request, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(SessionRequestSerializer(session_request).data)

    @extend_schema(request=None, responses=SessionRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        session_request = services.withdraw_session_request(self.get_object(), actor=request.user)
        return Response(SessionRequestSerializer(session_request).data)


class VenueViewSet(
    VersionedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Venues are public places: every member sees them; admins, coordinators and
    planners of the organisation keep them up to date."""

    permission_classes = [IsMember]
    serializer_class = VenueSerializer
    pagination_class = ByName
    filter_backends: list = []
    queryset = Venue.objects.none()
    versioned_actions = precondition_required = frozenset({"partial_update"})

    def versioned_object(self):
        return access.get_managed_venue_or_404(self.request.user, self.kwargs["pk"])

    def get_queryset(self):
        return Venue.objects.visible_to(self.request.user).select_related(
            "organisation__postcode", "postcode"
        )

    @extend_schema(request=VenueCreateSerializer, responses={201: VenueSerializer})
    def create(self, request):
        data = VenueCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organisation = access.get_venue_organisation_or_404(
            request.user, fields.pop("organisation")
        )
        venue = services.create_venue(organisation, actor=request.user, **fields)
        return Response(VenueSerializer(venue).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VenueUpdateSerializer, responses=VenueSerializer)
    def partial_update(self, request, pk=None):
        venue = access.get_managed_venue_or_404(request.user, pk)
        data = VenueUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = _required_version(changes)
        changes.pop("version", None)
        venue = services.update_venue(venue, actor=request.user, version=version, changes=changes)
        return Response(VenueSerializer(venue).data)


def _required_version(data: dict) -> int:
    """The version an update is based on: from the body, or from If-Match (VersionedMixin
    puts it in the body). VersionedMixin answers 428 before this when both are missing."""
    if data.get("version") is None:
        raise PreconditionRequired
    return data["version"]
