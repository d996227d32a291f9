"""The load: client threads that walk referrals through the API, via HAProxy.

Each journey is four writes: a partner submits a referral, the OCMW acknowledges it,
posts a message to the partner and records the first contact. Every write carries a
marker the drill finds in the database afterwards (``drill <phase>-<client>-<n>/<step>
try <k>``, in the description or the timeline message), so it can tell which try of
which write was committed.

A client does what a real one does: after a connection error or a 502/503/504 it
tries again (with a short backoff, bounded in time). A versioned action that comes
back 409 on a retry was committed by an earlier try: the client reads the referral to
be sure and goes on. The load is bounded in count (``max_requests``) and in time.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field

from .procs import HOST

RETRY_STATUSES = {502, 503, 504}
RETRY_FOR = 90.0  # seconds a client keeps trying one write
BACKOFF = [0.2, 0.5, 1.0, 1.0, 2.0]


@dataclass
class Attempt:
    at: float  # time.monotonic()
    status: int | None  # None: no answer (refused, reset, timed out)
    error: str = ""
    portal: bool = False  # the answer came from the portal (JSON), not from HAProxy

    @property
    def failed(self) -> bool:
        return self.status is None or self.status >= 500


@dataclass
class Write:
    phase: str
    step: str  # create, acknowledge, message, contact
    marker: str
    referral_id: int | None = None
    attempts: list[Attempt] = field(default_factory=list)
    outcome: str = ""  # ok, ok-after-409, gave-up, answered <status>

    @property
    def acknowledged(self) -> bool:
        """The client was told it worked (2xx on some try, or the 409 check proved it)."""
        return self.outcome.startswith("ok")


class Load:
    """``clients`` threads for one phase; stop() waits for their journeys to end."""

    def __init__(
        self, *, phase: str, port: int, world, clients: int, max_requests: int, pause: float
    ):
        self.phase = phase
        self.port = port
        self.world = world
        self.clients = clients
        self.pause = pause
        self.budget = max_requests
        self.lock = threading.Lock()
        self.halt = threading.Event()
        self.writes: list[Write] = []
        self.reads: list[Attempt] = []
        self.threads = [
            threading.Thread(target=self._client, args=(i,), name=f"client-{i}", daemon=True)
            for i in range(clients)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self, timeout: float = RETRY_FOR + 40) -> None:
        self.halt.set()
        for thread in self.threads:
            thread.join(timeout)

    def requests(self) -> int:
        with self.lock:
            return sum(len(w.attempts) for w in self.writes) + len(self.reads)

    def attempts(self) -> list[Attempt]:
        with self.lock:
            return [a for w in self.writes for a in w.attempts] + list(self.reads)

    def _take(self) -> bool:
        with self.lock:
            if self.budget <= 0:
                return False
            self.budget -= 1
            return True

    # HTTP -----------------------------------------------------------------------

    def _send(
        self, method: str, path: str, token: str, body: dict | None, key: str = ""
    ) -> tuple[Attempt, dict]:
        headers = {"Host": HOST, "Authorization": f"Bearer {token}", "Accept": "application/json"}
        if key:
            # The same key on every try of one write, as careful API clients send it: a
            # portal that honours it can answer a retry with the first answer.
            headers["Idempotency-Key"] = key
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.monotonic()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=45)
        try:
            connection.request(method, path, payload, headers)
            response = connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as error:
            return Attempt(started, None, f"{type(error).__name__}: {error}"[:200]), {}
        finally:
            connection.close()
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        portal = "json" in (response.getheader("Content-Type") or "")
        error = "" if response.status < 400 else str(data.get("detail", raw[:80]))[:200]
        return Attempt(started, response.status, error, portal), data

    def _write(self, write: Write, method: str, path: str, token: str, body) -> dict:
        """Send until it works, a real answer says no, or RETRY_FOR is over."""
        with self.lock:
            self.writes.append(write)
        deadline = time.monotonic() + RETRY_FOR
        tries = 0
        while True:
            tries += 1
            key = f"drill-{write.marker}-{write.step}"
            attempt, data = self._send(method, path, token, body(tries), key)
            with self.lock:
                write.attempts.append(attempt)
            if attempt.status is not None and 200 <= attempt.status < 300:
                write.outcome = "ok"
                return data
            if attempt.status is not None and attempt.status not in RETRY_STATUSES:
                write.outcome = f"answered {attempt.status}"
                return data
            if time.monotonic() > deadline:
                write.outcome = "gave-up"
                return data
            time.sleep(BACKOFF[min(tries - 1, len(BACKOFF) - 1)])

    def _read(self, path: str, token: str) -> dict:
        deadline = time.monotonic() + RETRY_FOR
        while True:
            attempt, data = self._send("GET", path, token, None)
            with self.lock:
                self.reads.append(attempt)
            if not attempt.failed or time.monotonic() > deadline:
                return data if attempt.status == 200 else {}
            time.sleep(0.5)

    # One client -------------------------------------------------------------------

    def _client(self, index: int) -> None:
        partner = self.world.partner_tokens[index % len(self.world.partner_tokens)]
        ocmw = self.world.ocmw_tokens[index % len(self.world.ocmw_tokens)]
        journey = 0
        while not self.halt.is_set():
            journey += 1
            marker = f"{self.phase}-{index}-{journey}"
            self._journey(marker, partner, ocmw)

    def _journey(self, marker: str, partner: str, ocmw: str) -> None:
        if not self._take():
            self.halt.wait(1)
            return
        create = Write(self.phase, "create", marker)
        data = self._write(
            create,
            "POST",
            "/api/v1/referrals/",
            partner,
            lambda n: {
                "team": self.world.team_id,
                "client": {
                    "full_name": f"Drill {marker}",
                    "street": "Drillstraat 1",
                    "postcode": self.world.postcode_id,
                },
                "consent": {
                    "share_details": True,
                    "ocmw_may_contact": True,
                    "feedback": "status",
                    "method": "spoken",
                    "given_by": f"Drill {marker}",
                },
                "reason": "water",
                "description": f"drill {marker}/create try {n}",
            },
        )
        if not create.acknowledged:
            return
        pk, version = data["id"], data["version"]
        create.referral_id = pk
        steps = [
            ("acknowledge", "acknowledge", lambda n, v: {"version": v}, "acknowledged"),
            (
                "message",
                "messages",
                lambda n, v: {
                    "text": f"drill {marker}/message try {n}",
                    "visible_to_referrer": True,
                },
                None,
            ),
            (
                "contact",
                "contact",
                lambda n, v: {
                    "version": v,
                    "message": f"drill {marker}/contact try {n}",
                    "share": True,
                },
                "contact_made",
            ),
        ]
        for step, action, body, reached in steps:
            time.sleep(self.pause)
            if not self._take():
                return
            write = Write(self.phase, step, marker, referral_id=pk)
            data = self._write(
                write,
                "POST",
                f"/api/v1/referrals/{pk}/{action}/",
                ocmw,
                lambda n, b=body, v=version: b(n, v),
            )
            if write.outcome == "answered 409" and reached and len(write.attempts) > 1:
                # A retry refused as stale: did an earlier try go through after all?
                current = self._read(f"/api/v1/referrals/{pk}/", ocmw)
                if current.get("status") == reached:
                    write.outcome = "ok-after-409"
                    data = current
            if not write.acknowledged:
                return
            version = data.get("version", version)
        time.sleep(self.pause)
