"""Information sessions (infosessies): venues, sessions, co-hosts, materials,
registrations with a waiting list, attendance, evaluations, requests from
partners and personal calendar feeds.

Who may see or change what is decided in ``training.querysets`` (reads) and
``training.permissions`` (named rules); every write goes through
``training.services``.
"""

from training.models.feeds import CalendarFeed, hash_feed_token
from training.models.registrations import Evaluation, Registration
from training.models.requests import SessionRequest
from training.models.sessions import (
    Audience,
    CoHost,
    Material,
    Session,
    Topic,
    Venue,
    material_path,
    topic_labels,
)

__all__ = [
    "Audience",
    "CalendarFeed",
    "CoHost",
    "Evaluation",
    "Material",
    "Registration",
    "Session",
    "SessionRequest",
    "Topic",
    "Venue",
    "hash_feed_token",
    "material_path",
    "topic_labels",
]
