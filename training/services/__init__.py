"""Writes for information sessions. Each service checks the right first (the named
rules of ``training.permissions``), works in one transaction, writes the audit
log and tells the people concerned, without personal data of participants.

The services live in modules by subject; import them from here.
"""

from training.services.feeds import create_calendar_feed, revoke_calendar_feed
from training.services.follow_up import record_attendance, submit_evaluation
from training.services.registrations import cancel_registration, register_people
from training.services.reminders import send_session_reminders
from training.services.requests import (
    decline_session_request,
    plan_requested_session,
    request_session,
    withdraw_session_request,
)
from training.services.sessions import (
    add_material,
    cancel_session,
    create_session,
    publish_session,
    remove_material,
    update_practical_details,
    update_session,
)
from training.services.shared import (
    MATERIAL_EXTENSIONS,
    MAX_HEADCOUNT,
    MAX_MATERIAL_BYTES,
    PRACTICAL_FIELDS,
    SESSION_FIELDS,
    VENUE_FIELDS,
    normalise_topics,
)
from training.services.venues import create_venue, update_venue

__all__ = [
    "MATERIAL_EXTENSIONS",
    "MAX_HEADCOUNT",
    "MAX_MATERIAL_BYTES",
    "PRACTICAL_FIELDS",
    "SESSION_FIELDS",
    "VENUE_FIELDS",
    "add_material",
    "cancel_registration",
    "cancel_session",
    "create_calendar_feed",
    "create_session",
    "create_venue",
    "decline_session_request",
    "normalise_topics",
    "plan_requested_session",
    "publish_session",
    "record_attendance",
    "register_people",
    "remove_material",
    "request_session",
    "revoke_calendar_feed",
    "send_session_reminders",
    "submit_evaluation",
    "update_practical_details",
    "update_session",
    "update_venue",
    "withdraw_session_request",
]
