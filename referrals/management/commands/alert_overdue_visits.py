"""Alert the team about home visits not checked out in time. Run it every few minutes."""

from django.core.management.base import BaseCommand

from referrals.outreach.services import alert_overdue_visits


class Command(BaseCommand):
    help = "Alert coordinators and colleagues about overdue home visits (once per visit)."

    def handle(self, *args, **options):
        self.stdout.write(f"{alert_overdue_visits()} overdue visit(s) alerted.")
