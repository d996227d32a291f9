"""The permission grants that follow from memberships and agreements."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from partners import services
from partners.grants import rebuild_grants
from partners.models import Membership, OrganisationGroupObjectPermission
from partners.permissions import (
    can_manage_agreements,
    can_manage_members,
    can_plan_sessions,
    can_refer_to,
    can_view_arrears_of,
    receives_for_team,
)
from portal.core.exceptions import ActionRefused
from tests.factories import AgreementFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

EVERYONE = [
    "partner_worker",
    "partner_admin",
    "other_partner_worker",
    "internal_worker",
    "social_worker",
    "onthaal_worker",
    "other_social_worker",
    "coordinator",
    "org_admin",
    "outsider",
    "platform_admin",
]
ARREARS_HOLDERS = {"social_worker", "coordinator"}  # members of the OCMW's energie- en watercel


@pytest.mark.parametrize("person", EVERYONE)
def test_only_the_arrears_team_of_the_ocmw_can_view_its_arrears(cast, person):
    user = getattr(cast, person)
    assert can_view_arrears_of(user, cast.ocmw) is (person in ARREARS_HOLDERS)
    assert user.has_perm("partners.change_arrears", cast.ocmw) is (person in ARREARS_HOLDERS)


def test_the_other_ocmws_arrears_stay_with_its_own_team(cast):
    assert can_view_arrears_of(cast.other_social_worker, cast.other_ocmw)
    assert not can_view_arrears_of(cast.social_worker, cast.other_ocmw)
    assert not can_view_arrears_of(cast.coordinator, cast.other_ocmw)


def test_organisation_admin_of_the_ocmw_gets_no_arrears_even_with_every_role(cast):
    # The admin also coordinates a team and is in the internal team: still no arrears.
    MembershipFactory(user=cast.org_admin, team=cast.teams.opbouw, role="coordinator")
    MembershipFactory(user=cast.org_admin, team=cast.teams.onthaal, role="admin")
    rebuild_grants()
    assert not can_view_arrears_of(cast.org_admin, cast.ocmw)


def test_superuser_flag_is_not_how_people_work(cast):
    assert not cast.platform_admin.is_superuser
    assert not can_view_arrears_of(cast.platform_admin, cast.ocmw)


def test_admin_cannot_add_themselves_to_the_arrears_team(cast):
    with pytest.raises(ActionRefused):
        services.add_membership(cast.teams.watercel, cast.org_admin, actor=cast.org_admin)
    assert not can_view_arrears_of(cast.org_admin, cast.ocmw)


def test_admin_cannot_switch_on_arrears_for_a_team(cast):
    with pytest.raises(PermissionDenied):
        services.update_team(
            cast.teams.beheer,
            actor=cast.org_admin,
            version=cast.teams.beheer.version,
            changes={"handles_arrears": True},
        )
    cast.teams.beheer.refresh_from_db()
    assert not cast.teams.beheer.handles_arrears


def test_partner_admin_cannot_manage_another_organisation(cast):
    assert can_manage_members(cast.partner_admin, cast.partner)
    assert not can_manage_members(cast.partner_admin, cast.ocmw)
    assert not can_manage_members(cast.partner_admin, cast.other_partner)
    with pytest.raises(PermissionDenied):
        services.add_membership(cast.teams.onthaal, UserFactory(), actor=cast.partner_admin)
    with pytest.raises(PermissionDenied):
        services.create_team(cast.other_partner, actor=cast.partner_admin, name="Overname")


def test_referral_rights_follow_agreements(cast):
    assert can_refer_to(cast.partner_worker, cast.ocmw)
    assert not can_refer_to(cast.partner_worker, cast.other_ocmw)
    assert not can_refer_to(cast.other_partner_worker, cast.ocmw)
    # Internal teams refer to their own OCMW without an agreement.
    assert can_refer_to(cast.internal_worker, cast.ocmw)
    assert not can_refer_to(cast.internal_worker, cast.other_ocmw)
    # Receiving teams do not refer.
    assert not can_refer_to(cast.social_worker, cast.ocmw)


def test_ending_an_agreement_removes_the_right_to_refer(cast):
    agreement = cast.ocmw.agreements_as_ocmw.get(partner=cast.partner)
    services.end_agreement(agreement, actor=cast.coordinator)
    cast.partner_worker = type(cast.partner_worker).objects.get(pk=cast.partner_worker.pk)
    assert not can_refer_to(cast.partner_worker, cast.ocmw)


def test_a_proposed_agreement_gives_nothing_until_confirmed(cast):
    from datetime import date

    agreement = services.propose_agreement(
        cast.ocmw,
        cast.other_partner,
        actor=cast.coordinator,
        may_refer=True,
        may_cohost=False,
        may_be_named=False,
        valid_from=date(2026, 1, 1),
    )
    assert not can_refer_to(cast.other_partner_worker, cast.ocmw)
    other_admin = MembershipFactory(team=cast.teams.other_partner, role="admin").user
    rebuild_grants()
    with pytest.raises(PermissionDenied):  # the proposing side cannot confirm its own proposal
        services.confirm_agreement(agreement, actor=cast.coordinator)
    services.confirm_agreement(agreement, actor=other_admin)
    fresh = type(cast.other_partner_worker).objects.get(pk=cast.other_partner_worker.pk)
    assert can_refer_to(fresh, cast.ocmw)


def test_removing_a_member_removes_their_grants(cast):
    membership = Membership.objects.get(user=cast.social_worker, team=cast.teams.watercel)
    services.remove_membership(membership, actor=cast.org_admin)
    fresh = type(cast.social_worker).objects.get(pk=cast.social_worker.pk)
    assert not can_view_arrears_of(fresh, cast.ocmw)
    assert not receives_for_team(fresh, cast.teams.watercel)
    assert not fresh.groups.filter(pk=cast.teams.watercel.group_id).exists()


def test_removing_a_coordinator_removes_their_personal_grants(cast):
    membership = Membership.objects.get(user=cast.coordinator)
    assert can_manage_agreements(cast.coordinator, cast.ocmw)
    assert can_plan_sessions(cast.coordinator, cast.ocmw)
    services.remove_membership(membership, actor=cast.org_admin)
    fresh = type(cast.coordinator).objects.get(pk=cast.coordinator.pk)
    assert not can_manage_agreements(fresh, cast.ocmw)
    assert not can_plan_sessions(fresh, cast.ocmw)


def test_last_admin_cannot_remove_themselves(cast):
    membership = Membership.objects.get(user=cast.org_admin)
    with pytest.raises(ActionRefused):
        services.remove_membership(membership, actor=cast.org_admin)


def test_rebuild_reports_and_repairs_tampered_grants(cast, capsys):
    OrganisationGroupObjectPermission.objects.filter(
        group=cast.teams.watercel.group, permission__codename="view_arrears"
    ).delete()
    AgreementFactory(ocmw=cast.other_ocmw, partner=cast.partner)  # written behind the services
    with pytest.raises(SystemExit):
        call_command("rebuild_grants", "--check")
    out = capsys.readouterr().out
    assert "view_arrears" in out
    assert "refer_to" in out
    assert not can_view_arrears_of(cast.social_worker, cast.ocmw)  # --check changed nothing

    call_command("rebuild_grants")
    fresh = type(cast.social_worker).objects.get(pk=cast.social_worker.pk)
    assert can_view_arrears_of(fresh, cast.ocmw)
    call_command("rebuild_grants", "--check")
    assert "All grants match" in capsys.readouterr().out


def test_rebuild_is_a_no_op_on_a_consistent_network(cast):
    report = rebuild_grants()
    assert not report.changed
