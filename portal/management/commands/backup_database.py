"""Write a backup of the portal's database (pg_dump, custom format)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.core.backup import BackupError, dump


class Command(BaseCommand):
    help = "Dump the portal's PostgreSQL database to a file (pg_dump --format=custom)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="file to write (default: portal-<date>-<time>.dump in the current folder)",
        )

    def handle(self, *args, output=None, **options):
        output = output or Path(f"portal-{timezone.localtime():%Y%m%d-%H%M}.dump")
        try:
            written = dump(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{written} ({written.stat().st_size:,} bytes)")
