"""Send the webhook deliveries that are due: new ones a task could not send and
retries whose waiting time is over. Run it every minute (cron, systemd timer)."""

from django.core.management.base import BaseCommand

from portal.core import webhooks


class Command(BaseCommand):
    help = "Send due webhook deliveries (first attempts and retries with backoff)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=500, help="Send at most this many in one run."
        )

    def handle(self, *args, limit: int, **options):
        if limit < 1:
            self.stderr.write("--limit must be 1 or more.")
            raise SystemExit(2)
        outcome = webhooks.deliver_due(limit=limit)
        self.stdout.write(
            "Webhooks: {delivered} delivered, {retry} to retry, {failed} failed.".format(
                delivered=outcome["delivered"], retry=outcome["retry"], failed=outcome["failed"]
            )
        )
