"""Background work survives what a queue does to it (#17, first steps).

- A task retried after its run committed (a worker killed just after the commit),
  or a second "confirm" of the same list, must not turn a finished LAC import into
  a failed one: the finding was "Dit bestand is al ingelezen." marked as failed.
- When the queue is away at commit time, the change is saved and the person gets
  their answer, not a 500 (a client that retries would make it twice).
"""

import logging
from unittest import mock

import pytest
from django.urls import reverse

from referrals.cases.models import Case, LacImport
from referrals.cases.tasks import run_lac_import
from referrals.referrals.models import Referral
from tests.referrals.test_lac_import import GOOD_ROWS, _import, csv_bytes, session  # noqa: F401


@pytest.mark.django_db
def test_a_retry_of_a_finished_import_keeps_it_imported(cast, session):  # noqa: F811
    upload, _plan = _import(cast, session, csv_bytes(*GOOD_ROWS))
    run_lac_import.enqueue(upload.pk, cast.social_worker.pk)
    retry = run_lac_import.enqueue(upload.pk, cast.social_worker.pk)
    upload.refresh_from_db()
    assert upload.status == LacImport.Status.IMPORTED
    assert retry.return_value == upload.summary
    assert Case.objects.count() == 3


@pytest.mark.django_db
def test_an_import_finished_by_another_run_meanwhile_is_not_marked_failed(
    cast,
    session,  # noqa: F811
):
    from referrals.cases import lac_import

    upload, _plan = _import(cast, session, csv_bytes(*GOOD_ROWS))
    real_apply = lac_import.apply

    def second_confirm_wins(lac, *, actor):
        real_apply(LacImport.objects.get(pk=lac.pk), actor=actor)  # the other run
        return real_apply(lac, actor=actor)  # this run finds it already read

    with mock.patch.object(lac_import, "apply", second_confirm_wins):
        result = run_lac_import.enqueue(upload.pk, cast.social_worker.pk)
    upload.refresh_from_db()
    assert upload.status == LacImport.Status.IMPORTED
    assert result.return_value == upload.summary


@pytest.mark.django_db(transaction=True)
def test_a_change_is_answered_when_the_queue_is_away_at_commit(cast, client, referral, caplog):
    client.force_login(cast.social_worker)
    url = reverse("referral_action", args=[referral.pk, "acknowledge"])
    with (
        mock.patch("django.tasks.base.Task.enqueue", side_effect=ConnectionError("redis away")),
        caplog.at_level(logging.ERROR, logger="portal.core.tasks"),
    ):
        response = client.post(url, {"version": referral.version})
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.ACKNOWLEDGED
    assert any("could not run" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_a_run_handed_over_from_a_stopped_worker_imports_the_list(cast, session):  # noqa: F811
    """The first worker stopped mid-import: its transaction rolled back, the list still
    says "being imported" with an old sign of life. The worker the job is handed to
    imports it, once."""
    from datetime import timedelta

    from django.utils import timezone

    upload, _plan = _import(cast, session, csv_bytes(*GOOD_ROWS))
    LacImport.objects.filter(pk=upload.pk).update(
        status=LacImport.Status.IMPORTING,
        phase=LacImport.Phase.WRITE,
        progress_done=2,
        heartbeat_at=timezone.now() - timedelta(minutes=2),
    )
    result = run_lac_import.enqueue(upload.pk, cast.social_worker.pk)
    upload.refresh_from_db()
    assert upload.status == LacImport.Status.IMPORTED
    assert result.return_value == upload.summary
    assert Case.objects.count() == 3
    again = run_lac_import.enqueue(upload.pk, cast.social_worker.pk)
    assert again.return_value == upload.summary and Case.objects.count() == 3


@pytest.mark.django_db
def test_a_retry_of_a_failed_import_writes_nothing(cast, session, monkeypatch):  # noqa: F811
    from referrals.cases import lac_import

    upload, _plan = _import(cast, session, csv_bytes(*GOOD_ROWS))
    with mock.patch.object(lac_import, "_update_arrears", side_effect=RuntimeError("away")):
        first = run_lac_import.enqueue(upload.pk, cast.social_worker.pk)
    assert first.errors
    upload.refresh_from_db()
    assert (upload.status, upload.failure) == (LacImport.Status.FAILED, "error")
    retry = run_lac_import.enqueue(upload.pk, cast.social_worker.pk)
    assert retry.errors
    upload.refresh_from_db()
    assert (upload.status, upload.failure) == (LacImport.Status.FAILED, "error")
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_the_database_going_away_mid_import_leaves_the_list_to_be_taken_up_again(
    cast,
    session,  # noqa: F811
):
    """The worker of the database queue hands such a job back (portal/core/worker.py):
    the list is not marked failed, and the next run imports it."""
    from django.db import OperationalError

    from referrals.cases import lac_import

    upload, _plan = _import(cast, session, csv_bytes(*GOOD_ROWS))
    away = OperationalError("server closed the connection unexpectedly")
    with (
        mock.patch("portal.core.tasks.records_jobs_in_database", return_value=True),
        mock.patch.object(lac_import, "_update_arrears", side_effect=away),
        pytest.raises(OperationalError),
    ):
        run_lac_import.call(upload.pk, cast.social_worker.pk)
    assert LacImport.objects.get(pk=upload.pk).status == LacImport.Status.IMPORTING
    assert not Case.objects.exists()
    run_lac_import.call(upload.pk, cast.social_worker.pk)
    assert LacImport.objects.get(pk=upload.pk).status == LacImport.Status.IMPORTED
    assert Case.objects.count() == 3
