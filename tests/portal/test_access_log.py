import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from portal.core.models import AccessLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reading_a_referral_and_being_refused_are_logged(cast, client, referral):
    client.force_login(cast.social_worker)
    client.get(reverse("referral_detail", args=[referral.pk]))
    read = AccessLog.objects.get(action="read")
    assert (read.user, read.object_type, read.object_id) == (
        cast.social_worker,
        "referral",
        str(referral.pk),
    )
    assert read.client_id == referral.client_id
    assert read.path == reverse("referral_detail", args=[referral.pk])

    client.force_login(cast.other_partner_worker)
    client.get(reverse("referral_detail", args=[referral.pk]))
    refused = AccessLog.objects.get(action="refused")
    assert refused.user == cast.other_partner_worker


def test_api_reads_are_logged_too(cast, client, referral):
    client.force_login(cast.partner_worker)
    client.get(f"/api/v1/referrals/{referral.pk}/")
    assert AccessLog.objects.filter(user=cast.partner_worker, object_type="referral").exists()


def test_the_orm_cannot_change_or_remove_entries(cast, referral):
    entry = AccessLog.objects.create(
        user=cast.outsider, action="read", object_type="x", object_id="1", purpose="test"
    )
    entry.purpose = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    with pytest.raises(RuntimeError):
        AccessLog.objects.filter(pk=entry.pk).update(purpose="changed")
    with pytest.raises(RuntimeError):
        AccessLog.objects.all().delete()


def test_raw_sql_update_is_refused_by_the_database(cast):
    AccessLog.objects.create(
        user=cast.outsider, action="read", object_type="x", object_id="1", purpose="test"
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE portal_accesslog SET purpose = 'changed'")
    assert AccessLog.objects.get().purpose == "test"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE is refused on PostgreSQL")
def test_raw_sql_delete_is_refused_on_postgresql(cast):
    AccessLog.objects.create(
        user=cast.outsider, action="read", object_type="x", object_id="1", purpose="test"
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM portal_accesslog")
    assert AccessLog.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("statement", ["TRUNCATE portal_accesslog", "TRUNCATE portal_user CASCADE"])
def test_truncate_is_refused_on_postgresql(statement):
    """With a committed row (a TRUNCATE inside the test's own transaction would fail on
    its pending foreign-key checks instead). The flush after this test empties the
    table through the maintenance setting (tests/conftest.py)."""
    AccessLog.objects.create(
        user=UserFactory(), action="read", object_type="x", object_id="1", purpose="test"
    )
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AccessLog.objects.count() == 1
