"""Platform administration. Grants follow every change made here, too."""

from django.contrib import admin
from django.db import transaction

from partners.grants import sync_team_grants, sync_user_grants
from partners.models import Agreement, Membership, Municipality, Organisation, Postcode, Team


class PostcodeInline(admin.TabularInline):
    model = Postcode
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_fr", "nis_code", "region", "valid_from", "valid_until"]
    search_fields = ["name_nl", "name_fr", "nis_code", "postcodes__code"]
    list_filter = ["region"]
    inlines = [PostcodeInline]


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = [
        "name",
        "submits_referrals",
        "receives_referrals",
        "handles_arrears",
        "plans_sessions",
    ]
    readonly_fields = fields
    show_change_link = True
    can_delete = False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "postcode", "mfa_required"]
    list_filter = ["kind", "mfa_required"]
    search_fields = ["name", "postcode__code", "postcode__name"]
    autocomplete_fields = ["parent"]
    raw_id_fields = ["postcode"]
    filter_horizontal = ["serves"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "receives_referrals",
        "handles_arrears",
        "submits_referrals",
        "plans_sessions",
    ]
    list_filter = ["handles_arrears", "receives_referrals", "submits_referrals"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    exclude = ["group"]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if obj.group_id is None:
            from django.contrib.auth.models import Group

            obj.group = Group.objects.create(name=f"team:{obj.organisation_id}:{obj.name}")
        super().save_model(request, obj, form, change)
        sync_team_grants([obj])


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "created_at"]
    list_filter = ["role", "team__handles_arrears"]
    search_fields = ["user__email", "user__full_name", "team__name", "team__organisation__name"]
    autocomplete_fields = ["user", "team"]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.team.group.user_set.add(obj.user)
        sync_user_grants([obj.user_id])

    @transaction.atomic
    def delete_model(self, request, obj):
        user, team = obj.user, obj.team
        super().delete_model(request, obj)
        team.group.user_set.remove(user)
        sync_user_grants([user.pk])

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "team__group"):
            self.delete_model(request, membership)


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = [
        "ocmw",
        "partner",
        "may_refer",
        "may_cohost",
        "may_be_named",
        "valid_from",
        "valid_until",
        "confirmed_at",
        "ended_at",
    ]
    list_filter = ["may_refer", "may_cohost"]
    search_fields = ["ocmw__name", "partner__name"]
    autocomplete_fields = ["ocmw", "partner", "proposed_by", "ocmw_contact", "partner_contact"]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        sync_team_grants(
            Team.objects.filter(organisation=obj.partner).select_related("organisation")
        )
