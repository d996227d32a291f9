"""Background work of the referrals app."""

from django.tasks import task


@task
def run_lac_import(lac_import_id: int, actor_id: int) -> dict:
    """Import a large previewed LAC list outside the web request."""
    from portal.core.models import User
    from referrals.cases import lac_import
    from referrals.cases.models import LacImport

    lac = LacImport.objects.get(pk=lac_import_id)
    if lac.status == LacImport.Status.IMPORTED:
        return lac.summary  # a retry of a run that finished (a worker killed after commit)
    try:
        return lac_import.apply(lac, actor=User.objects.get(pk=actor_id))
    except lac_import.ImportFileError:
        lac.refresh_from_db(fields=["status", "summary"])
        if lac.status == LacImport.Status.IMPORTED:
            return lac.summary  # another run (a second "confirm") imported it meanwhile
        LacImport.objects.filter(pk=lac_import_id).update(status=LacImport.Status.FAILED)
        raise
    except Exception as error:
        LacImport.objects.filter(pk=lac_import_id).update(status=LacImport.Status.FAILED)
        # A failed task's error is kept in the queue and shown to platform admins, who
        # may not read arrears; a database error can quote rows of the list (customer
        # numbers, amounts). Only the kind of error goes on, without the original.
        raise LacImportFailed(
            f"LAC import {lac_import_id} failed ({type(error).__name__}); "
            "nothing was written. Ask the arrears team to upload the list again."
        ) from None


class LacImportFailed(Exception):
    """An import failed for an unexpected reason (the details are not kept)."""
