"""Retention reaches the stored LAC lists: the rows of purged clients go, and previews
nobody confirmed are deleted after a day."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.core.models import AuditEntry
from referrals.cases import lac_import
from referrals.cases import services as cases
from referrals.cases.models import ArrearsRecord, Case, LacImport
from referrals.privacy import retention
from referrals.referrals.models import Client, RetentionPolicy
from tests.referrals.test_lac_import import GOOD_ROWS, csv_bytes

pytestmark = pytest.mark.django_db

JAN, ILSE = GOOD_ROWS[0], GOOD_ROWS[1]  # Jan Peeters FA-1, Ilse Van Damme FA-2
LATER = timedelta(days=70)


@pytest.fixture
def session(cast):
    return cases.plan_lac_session(
        cast.ocmw, actor=cast.social_worker, on=timezone.localdate() + timedelta(days=14)
    )


@pytest.fixture
def upload(cast, session):
    def upload(*rows, filename="lijst.csv"):
        lac, _plan = lac_import.start_import(
            ocmw=cast.ocmw,
            session=session,
            actor=cast.social_worker,
            filename=filename,
            raw=csv_bytes(*rows),
        )
        return lac

    return upload


def _close_case_of(cast, customer_number):
    case = ArrearsRecord.objects.get(customer_number=customer_number).case
    cases.close_case(case, actor=cast.social_worker, version=case.version)
    RetentionPolicy.objects.create(ocmw=cast.ocmw, referral_months=1, case_months=1)
    return case


def _mentions_jan(content: str) -> bool:
    return "jan peeters" in content.lower() or "FA-1" in content


def test_no_stored_list_names_a_purged_client(cast, upload):
    imported = upload(JAN, ILSE)
    lac_import.apply(imported, actor=cast.social_worker)
    failed = upload(JAN.replace("1.234,56", "1.300,00"), ILSE, filename="fout.csv")
    LacImport.objects.filter(pk=failed.pk).update(status=LacImport.Status.FAILED)
    summary = LacImport.objects.get(pk=imported.pk).summary
    case = _close_case_of(cast, "FA-1")

    report = retention.due(now=timezone.now() + LATER)
    assert report.cases == [case.pk]
    assert report.lists == [imported.pk]
    assert report.previews == [failed.pk]  # it never made it into the cases: it goes
    retention.apply(report)

    assert Client.objects.get(pk=case.client_id).full_name.startswith("Gepseudonimiseerd")
    contents = list(LacImport.objects.values_list("content", flat=True))
    assert len(contents) == 1
    assert not any(_mentions_jan(content) for content in contents)
    # The other household and what the import did stay.
    kept = LacImport.objects.get(pk=imported.pk)
    assert "Ilse Van Damme" in kept.content and "FA-2" in kept.content
    assert (kept.status, kept.summary) == ("imported", summary)


def test_the_stripped_list_can_still_be_shown(cast, client, upload):
    imported = upload(JAN, ILSE)
    lac_import.apply(imported, actor=cast.social_worker)
    _close_case_of(cast, "FA-1")
    retention.apply(retention.due(now=timezone.now() + LATER))

    client.force_login(cast.social_worker)
    page = client.get(reverse("lac_import_preview", args=[imported.pk]))
    assert page.status_code == 200
    assert "Ilse Van Damme" in page.content.decode()
    assert "Jan Peeters" not in page.content.decode()


def test_a_list_of_only_purged_clients_is_deleted(cast, upload):
    imported = upload(JAN)
    lac_import.apply(imported, actor=cast.social_worker)
    _close_case_of(cast, "FA-1")
    retention.apply(retention.due(now=timezone.now() + LATER))
    assert not LacImport.objects.filter(pk=imported.pk).exists()


def test_a_fresh_preview_holding_a_purged_client_is_deleted(cast, upload):
    imported = upload(JAN)
    lac_import.apply(imported, actor=cast.social_worker)
    _close_case_of(cast, "FA-1")
    later = timezone.now() + LATER
    preview = upload(JAN, ILSE, filename="nieuw.csv")
    other = upload(ILSE, filename="ander.csv")
    LacImport.objects.filter(pk__in=[preview.pk, other.pk]).update(uploaded_at=later)

    report = retention.due(now=later)
    assert report.previews == [preview.pk]
    retention.apply(report)
    assert list(LacImport.objects.values_list("pk", flat=True)) == [other.pk]


def test_previews_abandoned_for_more_than_a_day_are_deleted(cast, upload):
    stale = upload(ILSE, filename="oud.csv")
    LacImport.objects.filter(pk=stale.pk).update(uploaded_at=timezone.now() - timedelta(days=2))
    fresh = upload(ILSE, filename="vers.csv")
    finished = upload(JAN, filename="klaar.csv")
    lac_import.apply(finished, actor=cast.social_worker)
    LacImport.objects.filter(pk=finished.pk).update(uploaded_at=timezone.now() - timedelta(days=2))

    report = retention.due()
    assert (report.referrals, report.cases, report.previews) == ([], [], [stale.pk])
    retention.apply(report)

    assert set(LacImport.objects.values_list("pk", flat=True)) == {fresh.pk, finished.pk}
    entry = AuditEntry.objects.get(action="retention.applied")
    assert entry.data["previews"] == 1


def test_dry_run_counts_lists_and_previews_and_changes_nothing(cast, upload, capsys):
    imported = upload(JAN, ILSE)
    lac_import.apply(imported, actor=cast.social_worker)
    case = _close_case_of(cast, "FA-1")
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - LATER)
    stale = upload(ILSE, filename="oud.csv")
    LacImport.objects.filter(pk=stale.pk).update(uploaded_at=timezone.now() - timedelta(days=2))
    before = list(LacImport.objects.order_by("pk").values_list("pk", "content", "status"))

    call_command("apply_retention", "--dry-run")

    out = capsys.readouterr().out
    assert "1 stored LAC list(s) to strip and 1 preview(s) to delete" in out
    assert "Dry run" in out
    assert list(LacImport.objects.order_by("pk").values_list("pk", "content", "status")) == before
    assert Client.objects.get(pk=case.client_id).full_name == "Jan Peeters"
    assert not AuditEntry.objects.filter(action="retention.applied").exists()

    call_command("apply_retention")
    assert not any(
        _mentions_jan(content) for content in LacImport.objects.values_list("content", flat=True)
    )
    assert not LacImport.objects.filter(pk=stale.pk).exists()


def test_a_check_that_stopped_and_a_failed_import_go_like_abandoned_previews(cast, upload):
    """Neither made it into the cases; their rows (names, amounts) must not stay."""
    stopped = upload(ILSE, filename="gestopt.csv")
    failed = upload(JAN, filename="mislukt.csv")
    LacImport.objects.filter(pk=stopped.pk).update(status=LacImport.Status.CHECKING)
    LacImport.objects.filter(pk=failed.pk).update(status=LacImport.Status.FAILED)
    LacImport.objects.update(uploaded_at=timezone.now() - timedelta(days=2))

    report = retention.due()
    assert sorted(report.previews) == sorted([stopped.pk, failed.pk])
    retention.apply(report)
    assert not LacImport.objects.exists()
