"""The session list, the month view, .ics downloads and the personal feed."""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.exceptions import ActionRefused
from portal.pagination import page_of
from training import access, services
from training.forms import SessionFilterForm
from training.ics import calendar_for
from training.models import CalendarFeed, Session
from training.querysets import scope_for

PAGE_SIZE = 20
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
    scope = scope_for(request.user)
    filters = SessionFilterForm(request.GET)
    sessions = filters.filter(Session.objects.visible_to(request.user, scope).for_listing(), scope)
    past = filters.is_valid() and filters.cleaned_data.get("when") == "past"
    sessions = (
        sessions.order_by("-starts_at", "-pk") if past else sessions.order_by("starts_at", "pk")
    )
    page = page_of(sessions, request.GET.get("page"), size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "training/session_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "can_plan": bool(scope.planning_ids),
            "is_member": scope.is_member,
        },
    )


def _month_from(value: str | None) -> dt.date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@login_required
def session_month(request):
    scope = scope_for(request.user)
    first = _month_from(request.GET.get("month"))
    following = (first + dt.timedelta(days=32)).replace(day=1)
    filters = SessionFilterForm(request.GET)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(following, dt.time.min))
    sessions = filters.filter(
        Session.objects.visible_to(request.user, scope)
        .for_listing()
        .filter(starts_at__gte=start, starts_at__lt=end),
        scope,
        default_when="all",
    ).order_by("starts_at", "pk")
    by_day: dict[dt.date, list[Session]] = {}
    for session in sessions:
        by_day.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    weeks = [
        [(day, by_day.get(day, []), day.month == first.month) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    query = request.GET.copy()
    query.pop("month", None)
    return render(
        request,
        "training/session_month.html",
        {
            "filters": filters,
            "month": first,
            "weeks": weeks,
            "days_with_sessions": sorted(by_day.items()),
            "previous": (first - dt.timedelta(days=1)).strftime("%Y-%m"),
            "next": following.strftime("%Y-%m"),
            "query": query.urlencode(),
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
        try:
            if action == "create":
                token = services.create_calendar_feed(actor=request.user)
                messages.success(request, _("Your new calendar link is ready. Copy it now."))
            elif action == "revoke":
                services.revoke_calendar_feed(actor=request.user)
                messages.success(request, _("Your calendar link no longer works."))
                return redirect("calendar_feed_settings")
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[token])) if token else None
    return render(request, "training/calendar_feed.html", {"feed": feed, "feed_url": feed_url})


def calendar_feed(request, token: str):
    """The personal feed: no login, the secret token in the URL is the credential."""
    feed = CalendarFeed.objects.by_token(token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404
    user = feed.user
    scope = scope_for(user)
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
