"""Count the contact attempts into their daily tallies again (the what-works report
reads the tallies). For repairs: the tallies are written with every attempt, and
counts of attempts deleted under the retention rules are lost by a rebuild."""

from django.core.management.base import BaseCommand

from partners.models import Organisation
from referrals.outreach.services import rebuild_attempt_tallies


class Command(BaseCommand):
    help = "Recount the daily tallies of contact attempts, for one OCMW or all."

    def add_arguments(self, parser):
        parser.add_argument("--ocmw", type=int, help="only this OCMW (its id)")

    def handle(self, *args, ocmw=None, **options):
        ocmws = None if ocmw is None else Organisation.objects.filter(pk=ocmw)
        self.stdout.write(f"{rebuild_attempt_tallies(ocmws)} tallies written.")
