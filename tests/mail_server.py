"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the tests that send e-mail through
Django's SMTP backend: it keeps every envelope it accepts and can refuse chosen
recipients with a 550."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage


class SmtpServer:
    def __init__(self, refuse: frozenset[str] = frozenset()) -> None:
        self.refuse = refuse
        self.received: list = []  # aiosmtpd envelopes, in order
        self.controller = None
        self.port = 0

    def start(self) -> SmtpServer:
        from aiosmtpd.controller import Controller

        server = self

        class Keep:
            async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
                if address in server.refuse:
                    return "550 5.1.1 No such user here"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, smtp, session, envelope):
                server.received.append(envelope)
                return "250 Message accepted for delivery"

        with socket.socket() as probe:  # aiosmtpd needs a port number: a free one
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(envelope.original_content, policy=policy.default)  # type: ignore[misc]
            for envelope in self.received
        ]

    def mailers_setting(self) -> dict:
        """``settings.MAILERS`` that send through this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
            }
        }
