"""Platform administration of the network.

Memberships, teams and arrears handling change only through the services in
``partners.services``, here as on the portal's pages: their rules (nobody adds
themselves to an arrears team; only a platform admin opens a team to arrears, never
their own) and their audit entries hold in the admin too. Agreements are proposed
and confirmed by the organisations themselves, so the admin only shows them.
"""

from django import forms
from django.contrib import admin

from partners import services
from partners.models import Agreement, Membership, Municipality, Organisation, Postcode, Team
from portal.core import audit
from portal.core.admin import ReadOnlyAdmin, ServiceAdmin
from portal.core.forms import VersionedModelForm


class PostcodeInline(admin.TabularInline):
    model = Postcode
    extra = 0
    can_delete = False


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_fr", "nis_code", "region", "valid_from", "valid_until"]
    search_fields = ["name_nl", "name_fr", "nis_code", "postcodes__code"]
    list_filter = ["region"]
    inlines = [PostcodeInline]

    def has_delete_permission(self, request, obj=None):
        """Municipalities are reference data (``load_municipalities`` ends them with a
        date); deleting one would take addresses, and the delete page would list them."""
        return False


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

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Onboarding an organisation. Its kind and parent decide which grants its teams
    get, so they are set when it is created and shown, not changed, afterwards."""

    list_display = ["name", "kind", "postcode", "mfa_required"]
    list_filter = ["kind", "mfa_required"]
    search_fields = ["name", "postcode__code", "postcode__name"]
    autocomplete_fields = ["parent"]
    raw_id_fields = ["postcode"]
    filter_horizontal = ["serves"]
    inlines = [TeamInline]

    def get_readonly_fields(self, request, obj=None):
        return ["kind", "parent"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            "organisation.updated" if change else "organisation.created",
            obj,
            actor=request.user,
            organisation=obj,
            data={"fields": sorted(form.changed_data), "via": "admin"},
        )


class TeamAdminForm(VersionedModelForm):
    class Meta:
        model = Team
        fields = ["organisation", *services.TEAM_SETTING_FIELDS, "handles_arrears"]


@admin.register(Team)
class TeamAdmin(ServiceAdmin):
    form = TeamAdminForm
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

    def get_readonly_fields(self, request, obj=None):
        return ["organisation"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        settings = {name: data[name] for name in services.TEAM_SETTING_FIELDS}
        if change:
            team = services.update_team(
                obj, actor=request.user, version=data["version"], changes=settings
            )
        else:
            team = services.create_team(data["organisation"], actor=request.user, **settings)
        if data["handles_arrears"] != team.handles_arrears:
            team = services.set_arrears_handling(
                team, actor=request.user, version=team.version, handles=data["handles_arrears"]
            )
        obj.pk, obj.version = team.pk, team.version


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "team", "role"]


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    """Add or remove a membership; to change a role, remove it and add it again."""

    form = MembershipAdminForm
    list_display = ["user", "team", "role", "created_at"]
    list_filter = ["role", "team__handles_arrears"]
    search_fields = ["user__email", "user__full_name", "team__name", "team__organisation__name"]
    autocomplete_fields = ["user", "team"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        membership = services.add_membership(obj.team, obj.user, actor=request.user, role=obj.role)
        obj.pk = membership.pk

    def delete_model(self, request, obj):
        services.remove_membership(obj, actor=request.user)


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
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
