"""Local stand-ins for the message providers, on 127.0.0.1.

``FakeTwilio`` speaks the part of Twilio's Programmable Messaging API the portal
uses: ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` with HTTP Basic
auth (AccountSid:AuthToken) and form fields To, From or MessagingServiceSid, Body
and StatusCallback; it answers 201 with the message resource as JSON (sid
``SM…``, status ``queued``), or a Twilio error body (``{"code": 21211, …}``) with
400. ``signed_callback`` builds a status or reply callback as Twilio signs it
(``X-Twilio-Signature``: base64 HMAC-SHA1 of the URL and the sorted parameters).

The SMTP server is tests/mail_server.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT = "AC" + "0" * 32
TOKEN = "test-auth-token-0123456789abcdef"
SENDER = "+32460200300"


class FakeTwilio:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.fail_with: tuple[int, dict] | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                fields = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                expected = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
                record = {
                    "path": self.path,
                    "fields": fields,
                    "auth_ok": self.headers.get("Authorization") == expected,
                }
                server.requests.append(record)
                if not record["auth_ok"]:
                    return self._answer(401, {"code": 20003, "message": "Authenticate"})
                if self.path != f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json":
                    return self._answer(404, {"code": 20404, "message": "Not found"})
                if server.fail_with:
                    return self._answer(*server.fail_with)
                sid = f"SM{len(server.requests):032d}"
                self._answer(
                    201,
                    {
                        "sid": sid,
                        "status": "queued",
                        "to": fields.get("To"),
                        "body": fields.get("Body"),
                    },
                )

            def _answer(self, status: int, data: dict) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeTwilio:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def twilio_signature(url: str, params: dict[str, str], token: str = TOKEN) -> str:
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    return base64.b64encode(
        hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    ).decode()


def signed_callback(
    client, base_url: str, path: str, params: dict[str, str], *, token: str = TOKEN
):
    """POST ``params`` to ``path`` as Twilio does, signed with ``token``."""
    params = {"AccountSid": ACCOUNT, **params}
    signature = twilio_signature(base_url.rstrip("/") + path, params, token)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)
