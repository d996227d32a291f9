"""Remind registering organisations of coming sessions. Safe to run as often as
you like (for example every hour from cron): each registration is reminded once."""

from django.core.management.base import BaseCommand

from training import services


class Command(BaseCommand):
    help = "Send reminders for information sessions starting within N days (default 2)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=2,
            help="Remind for sessions starting within this many days.",
        )

    def handle(self, *args, days: int, **options):
        if days < 0:
            self.stderr.write("--days must be 0 or more.")
            raise SystemExit(2)
        sent = services.send_session_reminders(within_days=days)
        self.stdout.write(f"Reminders sent: {sent}")
