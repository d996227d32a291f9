from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from portal.core import audit, tokens
from portal.core.admin import ReadOnlyAdmin
from portal.core.models import (
    ApiToken,
    AuditEntry,
    Invitation,
    User,
    WebhookDelivery,
    WebhookEndpoint,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Only groups of the platform itself (such as its admins' group) are offered: a
        team's group follows its memberships, which change through the services only."""
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(team__isnull=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        team_groups = list(form.instance.groups.filter(team__isnull=False)) if change else []
        super().save_related(request, form, formsets, change)
        form.instance.groups.add(*team_groups)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        access = sorted({"is_active", "is_staff"} & set(form.changed_data))
        if "is_active" in access and not obj.is_active:
            tokens.revoke_all(obj, reason="account deactivated", actor=request.user)
        if access:
            audit.record(
                "user.access_changed",
                obj,
                actor=request.user,
                data={name: getattr(obj, name) for name in access} | {"via": "admin"},
            )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "team", "role", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email", "team__name", "team__organisation__name"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "organisation"]
    list_filter = ["action"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "scope", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "prefix", "user__email"]
    exclude = ["token_hash"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["url", "organisation", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "organisation__name"]
    exclude = ["encrypted_secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "event", "endpoint", "attempts", "last_status_code"]
    list_filter = ["event"]
    exclude = ["payload"]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Groups of the platform itself. A team's group is not listed: it follows the
    team's memberships (``partners.services``) and is never edited here."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(team__isnull=True)
