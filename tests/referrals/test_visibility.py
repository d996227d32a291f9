"""Who sees which referral: decided in SQL by Referral.objects.visible_to."""

import pytest
from django.urls import reverse

from referrals.referrals.models import Referral
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SEES = {"partner_worker", "partner_admin", "social_worker", "coordinator"}
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


@pytest.mark.parametrize("person", EVERYONE)
def test_visibility_of_a_partner_referral(cast, referral, person):
    visible = Referral.objects.visible_to(getattr(cast, person)).filter(pk=referral.pk).exists()
    assert visible is (person in SEES)


@pytest.mark.parametrize("person", EVERYONE)
def test_detail_page_is_404_for_everyone_who_may_not_see_it(cast, client, referral, person):
    client.force_login(getattr(cast, person))
    response = client.get(reverse("referral_detail", args=[referral.pk]))
    assert response.status_code == (200 if person in SEES else 404)


def test_missing_and_forbidden_look_the_same(cast, client, referral):
    client.force_login(cast.other_partner_worker)
    forbidden = client.get(reverse("referral_detail", args=[referral.pk]))
    missing = client.get(reverse("referral_detail", args=[referral.pk + 1000]))
    assert forbidden.status_code == missing.status_code == 404


def test_partner_list_shows_only_its_own_teams_referrals(cast, client, referral, make_referral):
    own_internal = make_referral(actor=cast.internal_worker, team=cast.teams.opbouw)
    client.force_login(cast.partner_worker)
    items = client.get(reverse("my_referrals")).context["page"].items
    assert [r.pk for r in items] == [referral.pk]
    client.force_login(cast.internal_worker)
    items = client.get(reverse("my_referrals")).context["page"].items
    assert [r.pk for r in items] == [own_internal.pk]


def test_ocmw_of_another_municipality_sees_nothing(cast, client, referral):
    client.force_login(cast.other_social_worker)
    assert client.get(reverse("referral_inbox")).context["page"].items == []
    assert client.get(reverse("my_referrals")).context["page"].items == []


def test_drafts_never_reach_the_inbox(cast, client, make_referral):
    make_referral(submit=False, consent=None)
    client.force_login(cast.social_worker)
    assert client.get(reverse("referral_inbox"), {"show": "all"}).context["page"].items == []


def test_exception_grant_for_an_accompanying_worker(cast, referral):
    from guardian.shortcuts import assign_perm

    helper = MembershipFactory(team=cast.teams.other_partner).user
    assert not Referral.objects.visible_to(helper).filter(pk=referral.pk).exists()
    assign_perm("referrals.view_referral_exception", helper, referral)
    assert Referral.objects.visible_to(helper).filter(pk=referral.pk).exists()


def test_exception_grant_for_an_extra_team(cast, referral):
    from guardian.shortcuts import assign_perm

    assign_perm("referrals.view_referral_exception", cast.teams.onthaal.group, referral)
    assert Referral.objects.visible_to(cast.onthaal_worker).filter(pk=referral.pk).exists()


def test_referrer_page_shows_status_but_never_ocmw_notes(cast, client, referral):
    from referrals.referrals import services

    r = services.acknowledge_referral(referral, actor=cast.social_worker, version=referral.version)
    services.post_message(
        r, actor=cast.social_worker, text="Interne nota XYZ", visible_to_referrer=False
    )
    services.post_message(
        r, actor=cast.social_worker, text="Wij bellen haar morgen", visible_to_referrer=True
    )
    client.force_login(cast.partner_worker)
    page = client.get(reverse("referral_detail", args=[r.pk])).content.decode()
    assert "Interne nota XYZ" not in page
    assert "Wij bellen haar morgen" in page
    client.force_login(cast.social_worker)
    assert (
        "Interne nota XYZ" in client.get(reverse("referral_detail", args=[r.pk])).content.decode()
    )


def test_appointment_place_is_shown_to_a_partner_who_offered_to_come(cast, client, make_referral):
    from datetime import timedelta

    from django.utils import timezone

    from referrals.referrals import services

    for offers, expected in ((True, True), (False, False)):
        r = make_referral(
            offers_to_accompany=offers, accompany_availability="maandag" if offers else ""
        )
        r = services.acknowledge_referral(r, actor=cast.social_worker, version=r.version)
        at = timezone.now() + timedelta(days=2)
        services.plan_appointment(
            r, actor=cast.social_worker, version=r.version, at=at, place="Loket 7"
        )
        client.force_login(cast.partner_worker)
        page = client.get(reverse("referral_detail", args=[r.pk])).content.decode()
        assert ("Loket 7" in page) is expected


def test_withdrawn_consent_hides_status_from_the_referrer(cast, client, referral):
    from referrals.referrals import services

    services.withdraw_consent(referral, actor=cast.partner_worker, version=referral.version)
    r = Referral.objects.get(pk=referral.pk)
    services.acknowledge_referral(r, actor=cast.social_worker, version=r.version)
    client.force_login(cast.partner_worker)
    page = client.get(reverse("referral_detail", args=[referral.pk])).content.decode()
    assert 'class="status status-acknowledged"' not in page
    listing = client.get(reverse("my_referrals")).content.decode()
    assert "status-acknowledged" not in listing
