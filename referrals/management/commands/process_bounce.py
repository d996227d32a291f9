"""Read one bounced e-mail from standard input (or a file) and record it.

The mail server delivers the portal's bounce address to this command, e.g. Postfix:
``bounces: "|/srv/portal/.venv/bin/python /srv/portal/manage.py process_bounce"``
with a recipient delimiter of ``+`` (docs/deployment.md)."""

import sys

from django.core.management.base import BaseCommand

from referrals.messaging import bounces, services


class Command(BaseCommand):
    help = "Record a bounced client e-mail (a delivery status notification) read from stdin."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="a file with the bounce (default: stdin)")

    def handle(self, *args, path=None, **options):
        if path:
            with open(path, "rb") as handle:
                raw = handle.read()
        else:
            raw = sys.stdin.buffer.read()
        bounce = bounces.read_bounce(raw)
        if bounce is None:
            self.stdout.write("no bounce of a client message")
            return
        message = services.record_bounce(bounce.message_pk, detail=bounce.detail)
        if message is None:
            self.stdout.write(f"message {bounce.message_pk} not found")
            return
        self.stdout.write(f"message {message.pk}: {message.status}")
