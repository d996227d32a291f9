"""The filters of the two referral lists: the referrer's own and the OCMW inbox.

Each list's page renders its own filter fields from the query string; these
filter sets read the same parameters and ignore a value they do not know, as a
hand-edited link should not break the list.
"""

from datetime import timedelta

import django_filters
from django.db import models
from django.db.models.functions import Now

from referrals.referrals.models import OPEN_STATUSES, Referral

INBOX_SHOWS = {
    "waiting": models.Q(status=Referral.Status.SUBMITTED),
    "open": models.Q(status__in=OPEN_STATUSES),
    "closed": ~models.Q(status__in=[*OPEN_STATUSES, Referral.Status.DRAFT]),
    "all": models.Q(),
}


def _client_name(queryset, name, value):
    return queryset.filter(client__full_name__icontains=value.strip())


class SentFilter(django_filters.FilterSet):
    """The referrer's list: one status (or every open one) and part of a client's name."""

    status = django_filters.ChoiceFilter(
        choices=[("open", "open"), *Referral.Status.choices], method="filter_status"
    )
    q = django_filters.CharFilter(method=_client_name)

    class Meta:
        model = Referral
        fields = ["status", "q"]

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)


class InboxFilter(django_filters.FilterSet):
    """The inbox: open ones unless asked otherwise, by reason, urgency, assignee, age, name."""

    show = django_filters.ChoiceFilter(
        choices=[(key, key) for key in INBOX_SHOWS], method="filter_show"
    )
    reason = django_filters.ChoiceFilter(choices=Referral.Reason.choices)
    urgent = django_filters.CharFilter(method="filter_urgent")
    assignee = django_filters.ChoiceFilter(
        choices=[("me", "me"), ("nobody", "nobody")], method="filter_assignee"
    )
    older_than = django_filters.NumberFilter(min_value=0, method="filter_older_than")
    q = django_filters.CharFilter(method=_client_name)

    class Meta:
        model = Referral
        fields = ["show", "reason", "urgent", "assignee", "older_than", "q"]

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("show"):
            queryset = queryset.filter(INBOX_SHOWS["open"])
        return super().filter_queryset(queryset)

    def filter_show(self, queryset, name, value):
        return queryset.filter(INBOX_SHOWS[value])

    def filter_urgent(self, queryset, name, value):
        return queryset.filter(models.Q(supply_limited=True) | models.Q(lac_letter_received=True))

    def filter_assignee(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assigned_to=self.request.user)
        return queryset.filter(assigned_to__isnull=True)

    def filter_older_than(self, queryset, name, value):
        return queryset.filter(submitted_at__lt=Now() - timedelta(days=int(value)))
