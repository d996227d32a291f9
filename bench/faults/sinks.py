"""Where the portal's e-mails and webhooks land: an SMTP server (aiosmtpd) and an HTTP
receiver, both threads of the drill on 127.0.0.1, counting what arrived.

An e-mail about notification 42 carries ``Message-ID: <notification-42.…@…>``; a
webhook delivery carries its ``webhook-id`` (the same on every retry). Both sinks count
every arrival, so a notification mailed twice or a delivery sent twice shows as well.
"""

from __future__ import annotations

import email
import email.policy
import re
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .procs import HOST

# <notification-42.<unique>@host> as agreed; <notification-42@host> is read the same way.
NOTIFICATION_ID = re.compile(r"<notification-(\d+)[.@]")


class MailSink:
    """An SMTP server that accepts everything and remembers the notification ids."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.notifications: Counter[int] = Counter()
        self.messages = 0
        self.without_id = 0  # e-mails that name no notification (invitations, or a bug)
        self.unknown_ids: list[str] = []  # the first few such Message-IDs, to show

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        msg_id = str(message.get("Message-ID", "")).strip()
        found = NOTIFICATION_ID.match(msg_id)
        with self.lock:
            self.messages += 1
            if found:
                self.notifications[int(found.group(1))] += 1
            else:
                self.without_id += 1
                if len(self.unknown_ids) < 3:
                    self.unknown_ids.append(f"{msg_id} ({message.get('Subject', '')})")
        return "250 Message accepted for delivery"

    def start(self, port: int) -> None:
        from aiosmtpd.controller import Controller

        # server_hostname: no DNS lookup of our own name (there may be no resolver).
        self.controller = Controller(self, hostname=HOST, port=port, server_hostname="drill")
        self.controller.start()

    def stop(self) -> None:
        controller = getattr(self, "controller", None)
        if controller is not None:
            controller.stop()

    def snapshot(self) -> Counter[int]:
        with self.lock:
            return Counter(self.notifications)


class HookSink(ThreadingHTTPServer):
    """Answers every POST with 200 and remembers its ``webhook-id`` (and whether the
    signature held, with the endpoint's secret)."""

    daemon_threads = True

    def __init__(self, port: int) -> None:
        self.lock = threading.Lock()
        self.ids: Counter[str] = Counter()
        self.bad_signatures = 0
        self.secrets: dict[str, str] = {}  # path -> the endpoint's secret
        super().__init__((HOST, port), _HookHandler)

    def record(self, path: str, headers, body: bytes) -> None:
        from portal.core import webhooks

        msg_id = headers.get("webhook-id", "")
        secret = self.secrets.get(path)
        valid = True
        if secret:
            try:
                webhooks.verify(secret, dict(headers.items()), body, tolerance=3600)
            except (webhooks.SignatureError, ValueError):
                valid = False
        with self.lock:
            if msg_id:
                self.ids[msg_id] += 1
            if not valid:
                self.bad_signatures += 1

    def start(self) -> None:
        self.thread = threading.Thread(target=self.serve_forever, name="hooks", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def snapshot(self) -> Counter[str]:
        with self.lock:
            return Counter(self.ids)


class _HookHandler(BaseHTTPRequestHandler):
    server: HookSink

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.record(self.path, self.headers, body)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format, *args) -> None:
        pass
