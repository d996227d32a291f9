"""The session list, the month view, .ics downloads and the personal feed."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from partners.principal import as_principal
from portal.core.pagination import page_of
from portal.core.views import message_refusal
from training import access, services
from training.forms import SessionFilterForm
from training.ics import calendar_for
from training.models import CalendarFeed, Session

PAGE_SIZE = 20
# Sessions shown in a day of the month; the rest are behind a link to that day.
DAY_LIMIT = 3
FEED_DAYS_BACK = 180
FEED_LIMIT = 500


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


@login_required
def session_list(request):
    scope = as_principal(request.user)
    filters = SessionFilterForm(request.GET)
    sessions = filters.filter(Session.objects.visible_to(request.user, scope).for_listing(), scope)
    past = filters.is_valid() and filters.cleaned_data.get("when") == "past"
    sessions = (
        sessions.order_by("-starts_at", "-pk") if past else sessions.order_by("starts_at", "pk")
    )
    page = page_of(sessions, request.GET.get("page"), size=PAGE_SIZE)
    day = filters.cleaned_data.get("day") if filters.is_valid() else None
    return render(
        request,
        "training/session_list.html",
        {
            "filters": filters,
            "page": page,
            "can_plan": bool(scope.planning_organisation_ids),
            "is_member": scope.is_member,
            "day": day,
            "month_query": _month_query(request.GET, filters, day) if day else "",
        },
    )


def _month_from(value: str | None) -> dt.date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def _month_query(params, filters: SessionFilterForm, day: dt.date) -> str:
    """The month view of ``day`` with the same filters (back from a day's list)."""
    query = params.copy()
    for name in ("day", "when", "page"):
        query.pop(name, None)
    query["where"] = filters.where_applied
    query["month"] = day.strftime("%Y-%m")
    return query.urlencode()


@dataclass(frozen=True)
class Day:
    """One cell of the month: its first sessions and how many there are in all."""

    date: dt.date
    sessions: list[Session]
    total: int
    in_month: bool
    weekday: str  # "donderdag"
    name: str  # "12 november"

    @property
    def more(self) -> int:
        return self.total - len(self.sessions)

    # The link to the rest of the day: short to see, complete to hear. Made here rather
    # than with {% blocktranslate %} in the template, which costs far more per day.
    @property
    def more_text(self) -> str:
        return ngettext("+%(count)s more", "+%(count)s more", self.more) % {"count": self.more}

    @property
    def more_label(self) -> str:
        return ngettext(
            # Translators: the link's full name; it must start with the words the link shows
            # ("+%(count)s more"), for people who steer their browser by voice.
            "%(count)s more session on %(day)s",
            "%(count)s more sessions on %(day)s",
            self.more,
        ) % {"count": self.more, "day": self.name}


def _month_grid(sessions, first: dt.date) -> list[list[Day]]:
    """The weeks of the month: per day its first sessions and how many there are in all,
    read in one query, whatever the number of sessions."""
    shown = (
        sessions.first_per_day(DAY_LIMIT)
        .select_related("venue__organisation")
        .only("title", "starts_at", "status", "venue__name", "venue__organisation__name")
    )
    by_day: dict[dt.date, list[Session]] = {}
    totals: dict[dt.date, int] = {}
    # Up to ~90 sessions: one reverse for all their links (they differ only in the id) and
    # a plain time format, rather than a {% url %} and a date filter each in the template.
    marker = "2147483647"
    detail = reverse("session_detail", args=[int(marker)])
    for session in shown:
        local = timezone.localtime(session.starts_at)
        session.start_time = f"{local:%H:%M}"
        session.url = detail.replace(marker, str(session.pk))
        session.place = f"{session.venue.name}, {session.venue.organisation.name}"
        by_day.setdefault(local.date(), []).append(session)
        totals[local.date()] = session.day_total
    # Names formatted once per month rather than once per day ("l j F" is weekday, day, month).
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    weekdays = [date_format(day, "l") for day in weeks[0]]
    month_name = date_format(first, "F")
    return [
        [
            Day(
                day,
                by_day.get(day, []),
                totals.get(day, 0),
                in_month=day.month == first.month,
                weekday=weekdays[day.weekday()],
                name=f"{day.day} {month_name}" if day.month == first.month else "",
            )
            for day in week
        ]
        for week in weeks
    ]


def _month_links(params, filters: SessionFilterForm, first: dt.date) -> dict[str, str]:
    """The month's links: other months (same filters), the switch between near and all
    of Flanders, and a day's full list (same filters and scope; the day is appended)."""
    months, switch, day = params.copy(), params.copy(), params.copy()
    months.pop("month", None)
    switch.pop("where", None)
    switch["month"] = first.strftime("%Y-%m")
    for name in ("month", "day", "when", "page"):
        day.pop(name, None)
    day["where"], day["when"] = filters.where_applied, "all"
    return {
        "query": months.urlencode(),
        "switch_query": switch.urlencode(),
        "day_url": f"{reverse('session_list')}?{day.urlencode()}&day=",
    }


@login_required
def session_month(request):
    """The month, near the person by default; "all of Flanders" on request."""
    scope = as_principal(request.user)
    first = _month_from(request.GET.get("month"))
    following = (first + dt.timedelta(days=32)).replace(day=1)
    filters = SessionFilterForm(request.GET, default_where=SessionFilterForm.NEAR)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(following, dt.time.min))
    sessions = filters.filter(
        Session.objects.visible_to(request.user, scope).filter(
            starts_at__gte=start, starts_at__lt=end
        ),
        scope,
        default_when="all",
    )
    weeks = _month_grid(sessions, first)
    return render(
        request,
        "training/session_month.html",
        {
            "filters": filters,
            "where": filters.where_applied,
            "month": first,
            "weeks": weeks,
            "has_sessions": any(day.total for week in weeks for day in week),
            "previous": (first - dt.timedelta(days=1)).strftime("%Y-%m"),
            "next": following.strftime("%Y-%m"),
            **_month_links(request.GET, filters, first),
        },
    )


@login_required
def session_ics(request, pk: int):
    session = access.get_session_or_404(request.user, pk)
    content = calendar_for(
        [session], base_url=_base_url(request), name=session.title, uid=session.reference
    )
    return _ics_response(content, f"{session.reference}.ics")


@login_required
@never_cache
def calendar_feed_settings(request):
    token = None
    if request.method == "POST":
        action = request.POST.get("action")
        with message_refusal(request):
            if action == "create":
                token = services.create_calendar_feed(actor=request.user)
                messages.success(request, _("Your new calendar link is ready. Copy it now."))
            elif action == "revoke":
                services.revoke_calendar_feed(actor=request.user)
                messages.success(request, _("Your calendar link no longer works."))
                return redirect("calendar_feed_settings")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[token])) if token else None
    return render(request, "training/calendar_feed.html", {"feed": feed, "feed_url": feed_url})


def calendar_feed(request, token: str):
    """The personal feed: no login, the secret token in the URL is the credential."""
    feed = CalendarFeed.objects.by_token(token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404
    user = feed.user
    scope = as_principal(user)
    since = timezone.now() - dt.timedelta(days=FEED_DAYS_BACK)
    sessions = (
        Session.objects.in_feed_of(user, scope)
        .filter(starts_at__gte=since)
        .select_related("venue__postcode", "venue__organisation__postcode")
        .order_by("starts_at", "pk")[:FEED_LIMIT]
    )
    with translation.override(user.language):
        content = calendar_for(
            sessions,
            base_url=_base_url(request),
            name=_("Information sessions — LAC water"),
            uid=f"feed-{user.pk}",
        )
    response = _ics_response(content, "infosessies.ics")
    response["Cache-Control"] = "private, max-age=900"
    return response
