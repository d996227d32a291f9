"""The Django admin is no side door to arrears, memberships or agreements.

Every registered admin is walked: an admin of a model that decides access
(memberships, teams, agreements, groups, grants) only shows, or saves through the
services; no other admin form offers a field that writes those. Then the doors
themselves are tried as a platform admin, as the finding that opened this file did:
a platform admin who adds themselves to the arrears team is refused, and what the
services allow leaves an audit entry.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.forms import ModelMultipleChoiceField
from django.test import RequestFactory
from django.urls import reverse

from partners.models import Agreement, Membership, Team
from partners.principal import Principal
from portal.core.admin import ReadOnlyAdmin, ServiceAdmin
from portal.core.models import AuditEntry

pytestmark = pytest.mark.django_db

GRANT_MODELS = {
    model
    for model in admin.site._registry
    if model._meta.app_label == "guardian" or model.__name__.endswith("ObjectPermission")
}
ACCESS_MODELS = {Membership, Team, Agreement, Permission, *GRANT_MODELS}


@pytest.fixture
def platform_admin(cast):
    user = cast.platform_admin
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["portal", "partners", "training", "auth"]
        )
    )
    return user


@pytest.fixture
def admin_client(client, platform_admin):
    client.force_login(platform_admin)
    return client


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_every_admin_of_an_access_model_shows_only_or_calls_the_services():
    for model, model_admin in admin.site._registry.items():
        if model in ACCESS_MODELS:
            assert isinstance(model_admin, ReadOnlyAdmin | ServiceAdmin), model


def test_no_admin_form_writes_memberships_grants_or_team_groups(platform_admin):
    request = _request(platform_admin)
    team_groups = set(Group.objects.filter(team__isnull=False))
    for model, model_admin in admin.site._registry.items():
        if model in ACCESS_MODELS or not model_admin.has_add_permission(request):
            continue
        for field_name, field in model_admin.get_form(request).base_fields.items():
            if not isinstance(field, ModelMultipleChoiceField):
                continue  # pointing at a team or an organisation writes no access
            target = field.queryset.model
            if target is Permission and model is Group:
                continue  # a platform group's model permissions open admin pages only
            assert target not in ACCESS_MODELS, (model, field_name)
            if target is Group:
                assert not team_groups & set(field.queryset), (model, field_name)
        for inline in model_admin.get_inline_instances(request):
            if inline.model in ACCESS_MODELS:
                assert not inline.has_add_permission(request, None), (model, inline)
                assert not set(inline.get_fields(request)) - set(inline.readonly_fields)


def test_the_admin_lists_no_team_group(admin_client, cast):
    page = admin_client.get(reverse("admin:auth_group_changelist"))
    assert page.status_code == 200
    assert cast.teams.watercel.group.name not in page.content.decode()


def test_a_platform_admin_cannot_add_themselves_to_an_arrears_team(admin_client, cast):
    before = AuditEntry.objects.count()
    response = admin_client.post(
        reverse("admin:partners_membership_add"),
        {"user": cast.platform_admin.pk, "team": cast.teams.watercel.pk, "role": "member"},
        follow=True,
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=cast.platform_admin).exists()
    assert Principal.of(cast.platform_admin).arrears_ocmw_ids == set()
    assert AuditEntry.objects.count() == before


def test_a_membership_added_in_the_admin_goes_through_the_service(admin_client, cast):
    response = admin_client.post(
        reverse("admin:partners_membership_add"),
        {"user": cast.onthaal_worker.pk, "team": cast.teams.watercel.pk, "role": "member"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=cast.onthaal_worker, team=cast.teams.watercel)
    entry = AuditEntry.objects.get(action="membership.added", object_id=str(membership.pk))
    assert entry.actor == cast.platform_admin
    assert cast.ocmw.pk in Principal.of(cast.onthaal_worker).arrears_ocmw_ids
    assert cast.teams.watercel.group.user_set.filter(pk=cast.onthaal_worker.pk).exists()


def test_a_membership_removed_in_the_admin_goes_through_the_service(admin_client, cast):
    membership = cast.social_worker.memberships.get(team=cast.teams.watercel)
    url = reverse("admin:partners_membership_delete", args=[membership.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.filter(action="membership.removed").count() == 1
    assert Principal.of(cast.social_worker).arrears_ocmw_ids == set()


def test_a_membership_is_not_changed_in_the_admin(admin_client, cast):
    membership = cast.social_worker.memberships.get(team=cast.teams.watercel)
    url = reverse("admin:partners_membership_change", args=[membership.pk])
    admin_client.post(
        url, {"user": membership.user_id, "team": membership.team_id, "role": "admin"}
    )
    membership.refresh_from_db()
    assert membership.role == "member"


def _team_form(team, **changes):
    data = {
        "name": team.name,
        "version": team.version,
        "capacity_per_worker": team.capacity_per_worker,
        **{
            name: "on"
            for name in (
                "submits_referrals",
                "receives_referrals",
                "receives_water",
                "receives_energy",
                "receives_general",
                "plans_sessions",
                "handles_arrears",
            )
            if getattr(team, name)
        },
    }
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return data


def test_opening_a_team_to_arrears_in_the_admin_is_audited_with_both_values(admin_client, cast):
    team = cast.teams.onthaal
    url = reverse("admin:partners_team_change", args=[team.pk])
    response = admin_client.post(url, _team_form(team, handles_arrears=True))
    assert response.status_code == 302, response.content.decode()[:2000]
    team.refresh_from_db()
    assert team.handles_arrears
    entry = AuditEntry.objects.get(action="team.arrears_handling", object_id=str(team.pk))
    assert (entry.data["from"], entry.data["to"]) == (False, True)
    assert cast.ocmw.pk in Principal.of(cast.onthaal_worker).arrears_ocmw_ids


def test_a_team_change_made_on_an_old_version_is_refused(admin_client, cast):
    team = cast.teams.onthaal
    stale = _team_form(team, handles_arrears=True)
    Team.objects.filter(pk=team.pk).update(version=team.version + 1)
    admin_client.post(reverse("admin:partners_team_change", args=[team.pk]), stale)
    team.refresh_from_db()
    assert not team.handles_arrears
    assert not AuditEntry.objects.filter(action="team.arrears_handling").exists()


def test_a_platform_admin_cannot_open_their_own_team_to_arrears(admin_client, cast, platform_admin):
    team = cast.teams.onthaal
    Membership.objects.create(user=platform_admin, team=team)
    admin_client.post(
        reverse("admin:partners_team_change", args=[team.pk]),
        _team_form(team, handles_arrears=True),
    )
    team.refresh_from_db()
    assert not team.handles_arrears


def test_agreements_only_show_in_the_admin(admin_client, cast):
    agreement = Agreement.objects.get(ocmw=cast.ocmw, partner=cast.partner)
    assert admin_client.get(reverse("admin:partners_agreement_add")).status_code == 403
    change = reverse("admin:partners_agreement_change", args=[agreement.pk])
    assert admin_client.get(change).status_code == 200
    admin_client.post(change, {"may_refer": ""})
    agreement.refresh_from_db()
    assert agreement.may_refer


def test_saving_a_person_in_the_admin_keeps_their_team_groups(admin_client, cast):
    worker = cast.social_worker
    url = reverse("admin:portal_user_change", args=[worker.pk])
    response = admin_client.post(
        url,
        {
            "email": worker.email,
            "full_name": "Nieuwe Naam",
            "language": worker.language,
            "is_active": "on",
            "groups": [],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "",
            "date_joined_1": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    worker.refresh_from_db()
    assert worker.full_name == "Nieuwe Naam"
    assert worker.groups.filter(pk=cast.teams.watercel.group_id).exists()


def test_making_someone_staff_in_the_admin_is_audited(admin_client, cast):
    worker = cast.onthaal_worker
    admin_client.post(
        reverse("admin:portal_user_change", args=[worker.pk]),
        {
            "email": worker.email,
            "full_name": worker.full_name,
            "language": worker.language,
            "is_active": "on",
            "is_staff": "on",
        },
    )
    worker.refresh_from_db()
    assert worker.is_staff
    entry = AuditEntry.objects.get(action="user.access_changed", object_id=str(worker.pk))
    assert entry.data["is_staff"] is True
