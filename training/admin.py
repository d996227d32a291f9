"""Platform administration of information sessions.

Day-to-day work goes through the portal's own pages (and their services);
the admin is for looking things up and for repairs. Named participants are
not shown here: only counts.
"""

from django.contrib import admin

from training.models import (
    CalendarFeed,
    CoHost,
    Evaluation,
    Material,
    Registration,
    Session,
    SessionRequest,
    Venue,
)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "capacity", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["postcode"]


class CoHostInline(admin.TabularInline):
    model = CoHost
    extra = 0
    autocomplete_fields = ["organisation"]
    readonly_fields = ["added_by", "added_at"]


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    readonly_fields = ["uploaded_by", "uploaded_at"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "starts_at", "status", "capacity", "people_reached"]
    list_filter = ["status", "audience", "language"]
    search_fields = ["title", "organisation__name", "venue__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["organisation", "organising_team", "venue"]
    readonly_fields = ["created_by", "created_at", "updated_at", "published_at", "cancelled_at"]
    inlines = [CoHostInline, MaterialInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    # No names or contact data in the admin lists: the platform admin is not the organiser.
    list_display = ["session", "organisation", "kind", "places", "status", "attended"]
    list_filter = ["status", "kind"]
    search_fields = ["session__title", "organisation__name"]
    exclude = ["participant_name", "phone", "email"]
    readonly_fields = [
        "session",
        "organisation",
        "registered_by",
        "participant_user",
        "kind",
        "places",
        "status",
        "consent_at",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "cancelled_by",
        "reminded_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["session", "organisation", "useful", "submitted_at"]
    list_filter = ["useful"]
    readonly_fields = ["session", "organisation", "submitted_by", "submitted_at"]


@admin.register(SessionRequest)
class SessionRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "organisation", "ocmw", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["organisation__name", "ocmw__name"]
    readonly_fields = ["requested_by", "decided_by", "decided_at", "created_at", "session"]
    autocomplete_fields = ["organisation", "ocmw", "venue"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    readonly_fields = ["user", "token_hash", "created_at"]

    def has_add_permission(self, request):
        return False
