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
    assert any("could not queue" in record.getMessage() for record in caplog.records)
