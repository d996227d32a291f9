"""Recompute every object permission from memberships and agreements.

Run it nightly (agreements start and end on dates, not only on edits) and after
restoring a backup. It prints each grant it had to add or remove: on a healthy
installation that list is empty.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from partners.grants import rebuild_grants


class Command(BaseCommand):
    help = "Rebuild all object permissions from memberships and agreements; report differences."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report differences; change nothing and exit 1 when there are any.",
        )

    def handle(self, *args, check: bool = False, **options):
        with transaction.atomic():
            report = rebuild_grants()
            for line in report.changes:
                self.stdout.write(line)
            if check:
                transaction.set_rollback(True)
        if not report.changed:
            self.stdout.write(self.style.SUCCESS("All grants match memberships and agreements."))
            return
        summary = f"{report.added} grant(s) missing, {report.removed} grant(s) stale"
        if check:
            self.stderr.write(self.style.ERROR(summary + " (nothing changed: --check)."))
            raise SystemExit(1)
        self.stdout.write(self.style.WARNING(summary + ": fixed."))
