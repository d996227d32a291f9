"""iCalendar output (RFC 5545) for sessions: one .ics per session and personal feeds.

Events carry what is on the session page for everyone (title, time, venue,
description); never who registered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import STATUS, Calendar, Event

from training.models import Session

PRODID = "-//LAC water portaal//Infosessies//NL"

_STATUS = {
    Session.Status.DRAFT: STATUS.TENTATIVE,
    Session.Status.CANCELLED: STATUS.CANCELLED,
}


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def event_for(session: Session, *, base_url: str, stamp: dt.datetime) -> Event:
    venue = session.venue
    location = ", ".join(
        part for part in (venue.name, venue.organisation.name, venue.address) if part
    )
    description = [session.description]
    if session.practical_info:
        description.append(session.practical_info)
    if session.status == Session.Status.CANCELLED:
        description.insert(0, _("Cancelled: %(reason)s") % {"reason": session.cancellation_reason})
    return Event.new(
        uid=f"session-{session.pk}@{urlsplit(base_url).hostname or 'localhost'}",
        summary=session.title,
        start=_utc(session.starts_at),
        end=_utc(session.ends_at),
        location=location,
        description="\n\n".join(description),
        url=base_url.rstrip("/") + reverse("session_detail", args=[session.pk]),
        categories=session.topic_labels,
        status=_STATUS.get(session.status, STATUS.CONFIRMED),
        sequence=session.version,
        stamp=_utc(stamp),
        last_modified=_utc(session.updated_at),
    )


def calendar_for(sessions: Iterable[Session], *, base_url: str, name: str, uid: str) -> bytes:
    """A VCALENDAR with one event per session, times in UTC."""
    stamp = dt.datetime.now(dt.UTC)
    calendar = Calendar.new(
        prodid=PRODID,
        name=name,
        uid=uid,
        subcomponents=[event_for(s, base_url=base_url, stamp=stamp) for s in sessions],
    )
    return calendar.to_ical()
