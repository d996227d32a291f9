"""The personal calendar feed: a secret link, stored hashed, revocable."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from portal.core import audit
from portal.core.exceptions import ActionRefused
from portal.core.models import User
from training.models import CalendarFeed


@transaction.atomic
def create_calendar_feed(*, actor: User) -> str:
    """Make a new secret feed address (an older one stops working). Returns the
    token: only its hash is stored, so it is shown once."""
    if not actor.is_authenticated:
        raise PermissionDenied
    CalendarFeed.objects.filter(user=actor).delete()
    token, token_hash = CalendarFeed.new_token()
    feed = CalendarFeed.objects.create(user=actor, token_hash=token_hash)
    audit.record("calendar_feed.created", feed, actor=actor)
    return token


@transaction.atomic
def revoke_calendar_feed(*, actor: User) -> None:
    """Switch the feed off: its address stops working at once."""
    if not actor.is_authenticated:
        raise PermissionDenied
    feed = CalendarFeed.objects.filter(user=actor).first()
    if feed is None:
        raise ActionRefused(_("You have no calendar link to switch off."))
    audit.record("calendar_feed.revoked", feed, actor=actor)
    feed.delete()
