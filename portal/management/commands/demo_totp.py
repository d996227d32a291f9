"""Print the current two-step login code of the demo accounts (never in production)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.management.commands.seed_demo import DEMO_TOTP_SECRET


def current_code(secret: str = DEMO_TOTP_SECRET) -> str:
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


class Command(BaseCommand):
    help = "Show the current two-step login code for the demo accounts."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo secret is not used in production.")
        self.stdout.write(current_code())
