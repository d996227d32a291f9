"""API for cases, arrears and LAC sessions: OCMW arrears teams only.

Cases and arrears have separate serializers and endpoints; the arrears
endpoint answers only when ``can_view_arrears`` holds for the case. For anyone
outside the owning OCMW's arrears teams every URL here is a 404.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from partners.models import Organisation
from portal.core.api import VersionedMixin
from portal.core.api_permissions import IsMember
from referrals.cases import services as cases
from referrals.cases.access import get_case_for_user_or_404, get_lac_session_for_user_or_404
from referrals.cases.models import AgendaItem, ArrearsRecord, Case, Invoice, LacSession, PaymentPlan
from referrals.cases.permissions import can_view_arrears


class CaseSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    client_name = serializers.CharField(source="client.full_name")
    street = serializers.CharField(source="client.street")
    postcode = serializers.CharField(source="client.postcode.code")
    worker = serializers.CharField(source="worker.full_name", allow_null=True, default=None)

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "client_name",
            "street",
            "postcode",
            "origin",
            "status",
            "worker",
            "reached_at",
            "created_at",
            "version",
        ]


class InvoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invoice
        fields = ["number", "issued_on", "amount"]


class PaymentPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentPlan
        fields = ["id", "total_amount", "instalments", "instalment_amount", "start_date", "status"]


class ArrearsSerializer(serializers.ModelSerializer):
    water_company = serializers.CharField(source="water_company.name")
    invoices = InvoiceSerializer(many=True)
    payment_plans = PaymentPlanSerializer(many=True)

    class Meta:
        model = ArrearsRecord
        fields = [
            "water_company",
            "customer_number",
            "amount_outstanding",
            "protected_customer",
            "flow_limiter_since",
            "justification_note",
            "invoices",
            "payment_plans",
            "version",
        ]


class ArrearsInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The version read with GET (or send If-Match); none to create the record. "
        "Another value, or none when a record exists, is a conflict.",
    )
    water_company = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.WATER_COMPANY)
    )
    customer_number = serializers.CharField(max_length=40)
    amount_outstanding = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    protected_customer = serializers.BooleanField(default=False)
    flow_limiter_since = serializers.DateField(required=False, allow_null=True, default=None)
    justification_note = serializers.CharField(required=False, allow_blank=True, default="")


class AgendaItemSerializer(serializers.ModelSerializer):
    case = CaseSerializer()

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "case", "decision", "decided_on", "motivation"]


class LacSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = LacSession
        fields = ["id", "date", "status", "members_present", "escalate_days_before"]


class LacSessionDetailSerializer(LacSessionSerializer):
    agenda = AgendaItemSerializer(many=True)

    class Meta(LacSessionSerializer.Meta):
        fields = [*LacSessionSerializer.Meta.fields, "agenda"]


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50


class ByDate(CursorPagination):
    ordering = ("-date", "-id")
    page_size = 50


class CaseViewSet(VersionedMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsMember]
    serializer_class = CaseSerializer
    pagination_class = NewestFirst
    versioned_actions = precondition_required = frozenset({"arrears"})

    def versioned_object(self):
        """The arrears record (None before the first PUT creates it)."""
        case = self.get_object()
        if not can_view_arrears(self.request.user, case):
            raise Http404
        return ArrearsRecord.objects.filter(case=case).first()

    def get_queryset(self):
        return Case.objects.visible_to(self.request.user).select_related(
            "client__postcode", "worker"
        )

    def get_object(self):
        return get_case_for_user_or_404(self.request.user, self.kwargs["pk"])

    @extend_schema(request=ArrearsInputSerializer, responses=ArrearsSerializer)
    @action(detail=True, methods=["get", "put"])
    def arrears(self, request, pk=None):
        case = self.get_object()
        if not can_view_arrears(request.user, case):
            raise Http404
        if request.method == "PUT":
            data = ArrearsInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            changes = dict(data.validated_data)
            cases.save_arrears(
                case, actor=request.user, version=changes.pop("version"), changes=changes
            )
        record = (
            ArrearsRecord.objects.filter(case=case)
            .select_related("water_company")
            .prefetch_related("invoices", "payment_plans")
            .first()
        )
        if record is None:
            raise Http404
        return Response(ArrearsSerializer(record).data)


class LacSessionViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsMember]
    serializer_class = LacSessionSerializer
    pagination_class = ByDate

    def get_queryset(self):
        return LacSession.objects.visible_to(self.request.user)

    @extend_schema(responses=LacSessionDetailSerializer)
    def retrieve(self, request, pk=None):
        session = get_lac_session_for_user_or_404(request.user, pk)
        session = LacSession.objects.prefetch_related(
            "agenda__case__client__postcode", "agenda__case__worker"
        ).get(pk=session.pk)
        return Response(LacSessionDetailSerializer(session).data)
