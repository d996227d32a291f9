"""Tell arrears coordinators when a LAC session comes close and clients on its
agenda are not reached yet. Run it daily; each session is escalated once."""

from django.core.management.base import BaseCommand

from referrals.cases.services import escalate_unreached


class Command(BaseCommand):
    help = "Escalate LAC sessions with unreached clients to the arrears team's coordinators."

    def handle(self, *args, **options):
        self.stdout.write(f"{escalate_unreached()} session(s) escalated.")
