"""REST API for the partner network. Same services and access helpers as the HTML views."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from partners import invitations as account_services
from partners import services
from partners.access import (
    get_agreement_or_404,
    get_agreement_organisation_or_404,
    get_managed_organisation_or_404,
    get_managed_team_or_404,
    get_visible_organisation_or_404,
)
from partners.filters import OrganisationFilter
from partners.models import Agreement, Membership, Organisation, Team
from partners.principal import (
    membership_by_id,
    memberships_of_organisation,
    teams_with_member_count,
)
from partners.services import ORGANISATION_PROFILE_FIELDS, TEAM_SETTING_FIELDS
from portal.core.api import VersionedMixin
from portal.core.api_permissions import IsMember

# Output serializers ---------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    postcode = serializers.CharField(
        source="postcode.code", default=None, read_only=True, allow_null=True
    )
    place = serializers.CharField(
        source="postcode.name", default=None, read_only=True, allow_null=True
    )
    languages = serializers.ListField(source="language_list", child=serializers.CharField())
    offers = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "street",
            "postcode",
            "place",
            "email",
            "phone",
            "website",
            "opening_hours",
            "languages",
            "offers",
            "accessibility",
            "description",
            "version",
        ]

    def get_offers(self, obj) -> list[str]:
        return obj.offers.split()


class TeamSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            *TEAM_SETTING_FIELDS[1:],
            "handles_arrears",
            "member_count",
            "version",
        ]


class MembershipSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.full_name")
    email = serializers.EmailField(source="user.email")
    team = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "name", "email", "team", "role", "created_at"]


class AgreementSerializer(serializers.ModelSerializer):
    ocmw_name = serializers.CharField(source="ocmw.name")
    partner_name = serializers.CharField(source="partner.name")
    status = serializers.CharField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "ocmw",
            "ocmw_name",
            "partner",
            "partner_name",
            "may_refer",
            "may_cohost",
            "may_be_named",
            "valid_from",
            "valid_until",
            "status",
            "proposed_by",
            "proposed_at",
            "confirmed_at",
            "ended_at",
            "note",
            "version",
        ]


# Input serializers ----------------------------------------------------------


class OrganisationUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    name = serializers.CharField(max_length=200, required=False)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    opening_hours = serializers.CharField(required=False, allow_blank=True)
    accessibility = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)


class TeamInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)
    name = serializers.CharField(max_length=120)
    submits_referrals = serializers.BooleanField(default=False)
    receives_referrals = serializers.BooleanField(default=False)
    receives_water = serializers.BooleanField(default=False)
    receives_energy = serializers.BooleanField(default=False)
    receives_general = serializers.BooleanField(default=False)
    plans_sessions = serializers.BooleanField(default=False)
    capacity_per_worker = serializers.IntegerField(min_value=1, max_value=500, default=25)


class InvitationInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    team = serializers.IntegerField()
    role = serializers.ChoiceField(choices=Membership.Role.choices, default="member")


class AgreementProposalSerializer(serializers.Serializer):
    proposer = serializers.IntegerField(help_text="Your organisation")
    other = serializers.IntegerField(help_text="The OCMW or partner on the other side")
    may_refer = serializers.BooleanField(default=True)
    may_cohost = serializers.BooleanField(default=False)
    may_be_named = serializers.BooleanField(default=False)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EndAgreementSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class InvitationSentSerializer(serializers.Serializer):
    invitation = serializers.IntegerField()
    email = serializers.EmailField()
    expires_at = serializers.DateTimeField()


# Views ----------------------------------------------------------------------


class ByName(CursorPagination):
    ordering = ("name", "id")
    page_size = 50


class OrganisationViewSet(VersionedMixin, viewsets.ReadOnlyModelViewSet):
    """The directory, and management of your own organisation."""

    permission_classes = [IsMember]
    serializer_class = OrganisationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrganisationFilter
    pagination_class = ByName
    versioned_actions = precondition_required = frozenset({"partial_update"})

    def versioned_object(self):
        return get_managed_organisation_or_404(self.request.user, self.kwargs["pk"])

    def get_queryset(self):
        return Organisation.objects.visible_to(self.request.user).select_related("postcode")

    def get_object(self):
        return get_visible_organisation_or_404(self.request.user, self.kwargs["pk"])

    @extend_schema(request=OrganisationUpdateSerializer, responses=OrganisationSerializer)
    def partial_update(self, request, pk=None):
        organisation = get_managed_organisation_or_404(request.user, pk)
        data = OrganisationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version")
        changes = {k: v for k, v in changes.items() if k in ORGANISATION_PROFILE_FIELDS}
        organisation = services.update_organisation(
            organisation, actor=request.user, version=version, changes=changes
        )
        return Response(OrganisationSerializer(organisation).data)

    @extend_schema(methods=["GET"], responses=TeamSerializer(many=True))
    @extend_schema(methods=["POST"], request=TeamInputSerializer, responses={201: TeamSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def teams(self, request, pk=None):
        organisation = get_managed_organisation_or_404(request.user, pk)
        if request.method == "POST":
            data = TeamInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            fields = {k: v for k, v in data.validated_data.items() if k != "version"}
            team = services.create_team(organisation, actor=request.user, **fields)
            return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)
        teams = teams_with_member_count(organisation.pk)
        return Response(TeamSerializer(teams, many=True).data)

    @extend_schema(methods=["GET"], responses=MembershipSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=InvitationInputSerializer,
        responses={202: InvitationSentSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def members(self, request, pk=None):
        organisation = get_managed_organisation_or_404(request.user, pk)
        if request.method == "POST":
            data = InvitationInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            team = get_managed_team_or_404(request.user, organisation, data.validated_data["team"])
            invitation = account_services.invite_member(
                team,
                actor=request.user,
                email=data.validated_data["email"],
                full_name=data.validated_data["full_name"],
                role=data.validated_data["role"],
                base_url=request.build_absolute_uri("/"),
            )
            return Response(
                {
                    "invitation": invitation.pk,
                    "email": invitation.email,
                    "expires_at": invitation.expires_at,
                },
                status=status.HTTP_202_ACCEPTED,
            )
        memberships = memberships_of_organisation(organisation.pk).order_by(
            "user__full_name", "team_id"
        )
        return Response(MembershipSerializer(memberships, many=True).data)


class TeamViewSet(VersionedMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsMember]
    serializer_class = TeamSerializer
    http_method_names = ["patch", "options"]
    versioned_actions = precondition_required = frozenset({"partial_update"})

    def get_queryset(self):
        return Team.objects.for_member(self.request.user)

    def versioned_object(self):
        pk = self.kwargs["pk"]
        team = Team.objects.select_related("organisation").filter(pk=pk).first()
        organisation = get_managed_organisation_or_404(
            self.request.user, team.organisation_id if team else 0
        )
        return get_managed_team_or_404(self.request.user, organisation, pk)

    @extend_schema(request=TeamInputSerializer, responses=TeamSerializer)
    def partial_update(self, request, pk=None):
        team = self.versioned_object()
        data = TeamInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version", team.version)
        if "handles_arrears" in request.data:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        team = services.update_team(team, actor=request.user, version=version, changes=changes)
        return Response(TeamSerializer(team).data)


class MembershipViewSet(mixins.DestroyModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsMember]
    serializer_class = MembershipSerializer

    def get_queryset(self):
        return memberships_of_organisation(0).none()  # names the model for the schema

    def destroy(self, request, pk=None):
        membership = membership_by_id(pk)
        organisation_id = membership.team.organisation_id if membership else 0
        get_managed_organisation_or_404(request.user, organisation_id)
        services.remove_membership(membership, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProposedFirst(CursorPagination):
    ordering = ("-proposed_at", "-id")
    page_size = 50


class AgreementViewSet(VersionedMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsMember]
    serializer_class = AgreementSerializer
    pagination_class = ProposedFirst
    versioned_actions = frozenset({"confirm", "end"})

    def get_queryset(self):
        return Agreement.objects.visible_to(self.request.user).select_related("ocmw", "partner")

    def get_object(self):
        return get_agreement_or_404(self.request.user, self.kwargs["pk"])

    @extend_schema(request=AgreementProposalSerializer, responses=AgreementSerializer)
    def create(self, request):
        data = AgreementProposalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        proposer = get_agreement_organisation_or_404(request.user, fields.pop("proposer"))
        other = get_visible_organisation_or_404(request.user, fields.pop("other"))
        agreement = services.propose_agreement(proposer, other, actor=request.user, **fields)
        return Response(AgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AgreementSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        agreement = services.confirm_agreement(self.get_object(), actor=request.user)
        return Response(AgreementSerializer(agreement).data)

    @extend_schema(request=EndAgreementSerializer, responses=AgreementSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        data = EndAgreementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.end_agreement(
            self.get_object(), actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(AgreementSerializer(agreement).data)
