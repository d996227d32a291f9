"""Reading a bounce: the delivery status notification (RFC 3464) a mail server sends
back to the envelope sender of a client e-mail (``bounces+<message>@…``)."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass

from referrals.messaging import providers

_MESSAGE_ID = re.compile(r"<client-message-(\d+)@([^>]+)>")


@dataclass(frozen=True)
class Bounce:
    message_pk: int
    permanent: bool
    detail: str


def read_bounce(raw: bytes) -> Bounce | None:
    """The message a bounce is about and whether it failed for good; None when the
    mail is no bounce of the portal's (or only says delivery is delayed)."""
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    message_pk = None
    for header in ("Delivered-To", "X-Original-To", "To", "Envelope-To"):
        for value in mail.get_all(header) or []:
            for address in re.findall(r"[^\s<>,;\"]+@[^\s<>,;\"]+", str(value)):
                message_pk = message_pk or providers.message_of_bounce_address(address)
    actions, statuses = [], []
    for part in mail.walk():
        if part.get_content_type() == "message/delivery-status":
            # Each block of fields (per message, then per recipient) is a sub-part.
            for block in part.get_payload():
                if block.get("Action"):
                    actions.append(str(block.get("Action")).strip().lower())
                if block.get("Status"):
                    statuses.append(str(block.get("Status")).strip())
    if message_pk is None:
        return None
    if not actions and not statuses:
        return None  # an auto-reply or an answer, not a delivery report
    permanent = "failed" in actions or any(s.startswith("5") for s in statuses)
    if not permanent:
        return None  # "delayed" or "delivered": the message may still arrive
    return Bounce(message_pk, True, f"bounce {statuses[0] if statuses else ''}".strip())
