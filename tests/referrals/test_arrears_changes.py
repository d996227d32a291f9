"""Arrears changes keep the old and the new value (the finding: after an edit the
previous amount was gone; the audit kept field names only). The values stay with the
arrears: the arrears page and the privacy officer's export show them, the audit log
(which platform admins read) does not."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from partners.models import Organisation
from portal.core.models import AuditEntry
from referrals.cases import lac_import
from referrals.cases import services as cases
from referrals.cases.models import ArrearsChange, ArrearsRecord
from referrals.privacy import retention
from referrals.referrals import services
from tests.referrals.test_lac_import import GOOD_ROWS, _import, csv_bytes, session  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast, referral):
    acknowledged = services.acknowledge_referral(
        referral, actor=cast.social_worker, version=referral.version
    )
    return cases.open_case_from_referral(acknowledged, actor=cast.social_worker)


@pytest.fixture
def record(cast, case):
    return cases.save_arrears(
        case,
        actor=cast.social_worker,
        version=None,
        changes={
            "water_company": Organisation.objects.get(name="Farys"),
            "customer_number": "FA-5",
            "amount_outstanding": Decimal("100.00"),
        },
    )


def test_an_edit_keeps_the_previous_amount(cast, record):
    cases.save_arrears(
        record.case,
        actor=cast.coordinator,
        version=record.version,
        changes={"amount_outstanding": Decimal("150.00")},
    )
    change = ArrearsChange.objects.filter(source="edit").first()
    assert change.values == {"amount_outstanding": ["100.00", "150.00"]}
    assert change.actor == cast.coordinator
    created = ArrearsChange.objects.order_by("pk").first()
    assert created.values["customer_number"] == [None, "FA-5"]


def test_the_audit_log_names_the_fields_not_their_values(cast, record):
    cases.save_arrears(
        record.case,
        actor=cast.coordinator,
        version=record.version,
        changes={"amount_outstanding": Decimal("150.00")},
    )
    entries = AuditEntry.objects.filter(action="arrears.saved")
    assert entries.count() == 2
    text = json.dumps([entry.data for entry in entries])
    assert "150" not in text and "FA-5" not in text
    assert entries.order_by("pk").last().data == {"fields": ["amount_outstanding"]}


def test_an_unchanged_save_records_no_change(cast, record):
    before = ArrearsChange.objects.count()
    cases.save_arrears(
        record.case,
        actor=cast.coordinator,
        version=record.version,
        changes={"amount_outstanding": Decimal("100.00")},
    )
    assert ArrearsChange.objects.count() == before


def test_the_lac_list_keeps_what_it_changed(cast, session):  # noqa: F811
    first, _plan = _import(cast, session, csv_bytes(*GOOD_ROWS))
    lac_import.apply(first, actor=cast.social_worker)
    assert ArrearsChange.objects.filter(source="lac_import").count() == 3
    second, _plan = _import(cast, session, csv_bytes(GOOD_ROWS[0].replace("1.234,56", "1.300,00")))
    lac_import.apply(second, actor=cast.social_worker)
    record = ArrearsRecord.objects.get(customer_number="FA-1")
    latest = record.changes.first()
    assert latest.source == "lac_import"
    assert latest.values == {"amount_outstanding": ["1234.56", "1300.00"]}


def test_the_arrears_team_sees_the_changes_on_the_arrears_page(cast, client, record):
    cases.save_arrears(
        record.case,
        actor=cast.coordinator,
        version=record.version,
        changes={"amount_outstanding": Decimal("150.00")},
    )
    client.force_login(cast.social_worker)
    page = client.get(reverse("arrears_edit", args=[record.case_id])).content.decode()
    assert "100.00 → 150.00" in page


def test_retention_takes_the_earlier_values_with_it(cast, record):
    report = retention.RetentionReport(cases=[record.case_id], clients={record.case.client_id})
    retention.apply(report)
    assert not ArrearsChange.objects.filter(record=record).exists()
