"""Send reminders and escalations, and expire referrals nobody acknowledged.

Run it every hour from cron or the task scheduler; it is idempotent.
"""

from django.core.management.base import BaseCommand

from referrals.referrals.services import process_deadlines


class Command(BaseCommand):
    help = "Remind, escalate and expire referrals that wait too long for acknowledgement."

    def handle(self, *args, **options):
        counts = process_deadlines()
        self.stdout.write(
            f"{counts['reminded']} reminded, {counts['escalated']} escalated, "
            f"{counts['expired']} expired."
        )
