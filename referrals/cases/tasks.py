"""Background work of the referrals app."""

from django.db import InterfaceError, OperationalError
from django.tasks import task

from portal.core import tasks as core_tasks
from portal.core.tasks import Priority


def _handed_back(error: Exception) -> bool:
    """The database went away mid-run. A worker of the database queue hands the job
    back and runs it again, so the list stays as it was ("being checked" or "being
    imported"; its page says the work is picked up again). Where nobody would run it
    again (jobs run at once), the run fails instead."""
    return isinstance(error, (OperationalError, InterfaceError)) and (
        core_tasks.records_jobs_in_database()
    )


@task(priority=Priority.PERSON_WAITING)
def check_lac_import(lac_import_id: int) -> dict:
    """Check (preview) a long uploaded LAC list outside the web request."""
    from referrals.cases import lac_import
    from referrals.cases.models import LacImport

    try:
        return lac_import.check_in_background(lac_import_id)
    except Exception as error:
        if _handed_back(error):
            raise
        lac_import.mark_failed(lac_import_id, LacImport.Failure.ERROR)
        # See run_lac_import: the queue keeps the error for platform admins.
        raise LacImportFailed(
            f"LAC list check {lac_import_id} failed ({type(error).__name__}); "
            "nothing was written. Ask the arrears team to upload the list again."
        ) from None


@task(priority=Priority.PERSON_WAITING)
def run_lac_import(lac_import_id: int, actor_id: int) -> dict:
    """Import a long previewed LAC list outside the web request.

    Run again after it finished (a worker stopped just after the commit, a second
    worker), it returns the summary and changes nothing."""
    from portal.core.models import User
    from referrals.cases import lac_import
    from referrals.cases.models import LacImport

    lac = LacImport.objects.get(pk=lac_import_id)
    if lac.status == LacImport.Status.IMPORTED:
        return lac.summary  # a retry of a run that finished (a worker killed after commit)
    actor = User.objects.get(pk=actor_id)
    lac_import.start_running(lac)
    try:
        return lac_import.apply(lac, actor=actor)
    except lac_import.ImportFileError:
        lac.refresh_from_db(fields=["status", "summary"])
        if lac.status == LacImport.Status.IMPORTED:
            return lac.summary  # another run (a second "confirm") imported it meanwhile
        lac_import.mark_failed(lac_import_id, LacImport.Failure.ROWS)
        raise
    except Exception as error:
        if _handed_back(error):
            raise
        lac_import.mark_failed(lac_import_id, LacImport.Failure.ERROR)
        # A failed task's error is kept in the queue and shown to platform admins, who
        # may not read arrears; a database error can quote rows of the list (customer
        # numbers, amounts). Only the kind of error goes on, without the original.
        raise LacImportFailed(
            f"LAC import {lac_import_id} failed ({type(error).__name__}); "
            "nothing was written. Ask the arrears team to upload the list again."
        ) from None


class LacImportFailed(Exception):
    """An import failed for an unexpected reason (the details are not kept)."""


@task(priority=Priority.NOTIFY)
def escalate_lac_sessions() -> int:
    """Periodic (PORTAL_SCHEDULE): tell coordinators about coming sessions with
    clients not reached yet; each session once."""
    from referrals.cases.services import escalate_unreached

    return escalate_unreached()
