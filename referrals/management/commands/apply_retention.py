"""Pseudonymise finished referrals and closed cases past each OCMW's retention period,
strip their clients' rows from the stored LAC lists and delete abandoned previews.

Run it daily. ``--dry-run`` only says what would go.
"""

from django.core.management.base import BaseCommand

from referrals.privacy import retention


class Command(BaseCommand):
    help = "Pseudonymise what is past its retention period, in the LAC lists too."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Change nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        report = retention.due()
        self.stdout.write(
            f"{len(report.referrals)} referral(s), {len(report.cases)} case(s) and "
            f"{len(report.clients)} client(s) past their retention period; "
            f"{len(report.lists)} stored LAC list(s) to strip and "
            f"{len(report.previews)} preview(s) to delete."
        )
        if dry_run:
            for pk in report.referrals:
                self.stdout.write(f"  referral {pk}")
            for pk in report.cases:
                self.stdout.write(f"  case {pk}")
            for pk in report.lists:
                self.stdout.write(f"  LAC list {pk}")
            for pk in report.previews:
                self.stdout.write(f"  preview {pk}")
            self.stdout.write("Dry run: nothing changed.")
            return
        retention.apply(report)
        self.stdout.write(self.style.SUCCESS("Pseudonymised."))
