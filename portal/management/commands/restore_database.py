"""Restore a backup made by backup_database into a PostgreSQL database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.core.backup import BackupError, is_current_database, restore


class Command(BaseCommand):
    help = (
        "Restore a dump (backup_database) into the database at --into. Everything in the "
        "dump replaces what is there, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", type=Path)
        parser.add_argument(
            "--into", required=True, help="postgres://… of the database to restore into"
        )
        parser.add_argument(
            "--replace-current",
            action="store_true",
            help="allow --into to be the portal's own database (it is overwritten)",
        )

    def handle(self, *args, dump, into, replace_current=False, **options):
        try:
            if is_current_database(into) and not replace_current:
                raise CommandError(
                    "--into is the portal's own database: add --replace-current to "
                    "overwrite it, or restore into another database first."
                )
            restore(dump, into)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {dump} into {into.rsplit('/', 1)[-1]}.")
