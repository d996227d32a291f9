"""Background work of the referrals app."""

from django.tasks import task


@task
def run_lac_import(lac_import_id: int, actor_id: int) -> dict:
    """Import a large previewed LAC list outside the web request."""
    from portal.models import User
    from referrals import lac_import
    from referrals.models import LacImport

    lac = LacImport.objects.get(pk=lac_import_id)
    try:
        return lac_import.apply(lac, actor=User.objects.get(pk=actor_id))
    except lac_import.ImportFileError:
        LacImport.objects.filter(pk=lac_import_id).update(status=LacImport.Status.FAILED)
        raise
