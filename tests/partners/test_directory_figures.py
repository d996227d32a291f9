"""The directory profile of an OCMW: per receiving team, over the last year, the median
time from submission to first contact and the share taken on, computed in SQL with a
constant number of queries; too few referrals give no figure."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from referrals.referrals.figures import (
    ENOUGH_REFERRALS,
    human_duration,
    reply_figures,
)
from referrals.referrals.models import Referral

pytestmark = pytest.mark.django_db

S = Referral.Status


@pytest.fixture
def plant(make_referral):
    """Copies of one real referral with the given team, status and timings (hours ago)."""
    template = make_referral()

    def plant(team, status, *, submitted_hours_ago=24.0, contact_after_hours=None, count=1):
        submitted = timezone.now() - timedelta(hours=submitted_hours_ago)
        contact = (
            submitted + timedelta(hours=contact_after_hours)
            if contact_after_hours is not None
            else None
        )
        fields = {
            f.attname: getattr(template, f.attname)
            for f in Referral._meta.concrete_fields
            if not f.primary_key
        }
        fields.update(
            receiving_team_id=team.pk,
            receiving_ocmw_id=team.organisation_id,
            status=status,
            submitted_at=submitted,
            acknowledged_at=submitted,
            first_contact_at=contact,
        )
        return Referral.objects.bulk_create([Referral(**fields) for _ in range(count)])

    # The template itself must not count: move it out of the window.
    Referral.objects.filter(pk=template.pk).update(
        submitted_at=timezone.now() - timedelta(days=400)
    )
    return plant


def _by_team(cast):
    teams = [cast.teams.watercel, cast.teams.onthaal]
    return {row.team_id: row for row in reply_figures(cast.ocmw, teams)}


def test_median_time_to_first_contact_and_acceptance_per_team(cast, plant):
    watercel, onthaal = cast.teams.watercel, cast.teams.onthaal
    for hours in (1, 2, 3, 50, 100):
        plant(watercel, S.CONTACT_MADE, submitted_hours_ago=200, contact_after_hours=hours)
    plant(watercel, S.CLOSED, submitted_hours_ago=200, contact_after_hours=4)
    plant(watercel, S.APPOINTMENT, submitted_hours_ago=200, contact_after_hours=5)
    plant(watercel, S.REFUSED, count=3)
    plant(watercel, S.ACKNOWLEDGED, count=2)  # not decided yet: in neither count
    plant(watercel, S.WITHDRAWN)
    # Older than a year, and another OCMW's: not counted.
    plant(watercel, S.REFUSED, submitted_hours_ago=24 * 370, count=5)
    plant(cast.teams.other_watercel, S.REFUSED, count=5)

    rows = _by_team(cast)
    water = rows[watercel.pk]
    assert water.referrals == 13
    assert water.contacted == 7
    assert water.median_seconds == pytest.approx(4 * 3600, abs=1)  # 1 2 3 [4] 5 50 100
    assert water.median_known
    assert (water.taken_on, water.refused, water.decided) == (7, 3, 10)
    assert water.acceptance_percent == 70
    with translation.override("en"):
        assert water.median_text == "4 hours"
    # A team without referrals is listed, with nothing to say.
    assert rows[onthaal.pk].referrals == 0
    assert not rows[onthaal.pk].median_known and not rows[onthaal.pk].rate_known


def test_below_the_threshold_there_is_no_figure(cast, client, plant):
    watercel = cast.teams.watercel
    plant(watercel, S.CONTACT_MADE, contact_after_hours=2, count=ENOUGH_REFERRALS - 1)
    row = _by_team(cast)[watercel.pk]
    assert row.contacted == ENOUGH_REFERRALS - 1
    assert not row.median_known and row.median_text == "" and row.median_hours is None
    assert not row.rate_known and row.acceptance_percent is None

    client.force_login(cast.other_partner_worker)
    page = client.get(
        reverse("organisation_detail", args=[cast.ocmw.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-role="reply-figures"' in html
    assert html.count('data-role="too-few"') == 4  # two teams, two figures each
    assert "0,0" not in html

    plant(watercel, S.CONTACT_MADE, contact_after_hours=2)  # the fifth
    assert _by_team(cast)[watercel.pk].median_known


def test_profile_shows_the_figures_in_human_terms(cast, client, plant):
    plant(
        cast.teams.watercel,
        S.CONTACT_MADE,
        submitted_hours_ago=200,
        contact_after_hours=50,
        count=5,
    )
    plant(cast.teams.watercel, S.REFUSED, count=5)
    client.force_login(cast.partner_worker)
    page = client.get(reverse("organisation_detail", args=[cast.ocmw.pk]))
    replies = {row.team_id: row for row in page.context["replies"]}
    assert replies[cast.teams.watercel.pk].acceptance_percent == 50
    html = page.content.decode()
    with translation.override("nl"):
        assert human_duration(50 * 3600) in html  # "2 dagen", or its English source
    assert '<svg role="img"' in html


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "less than an hour"),
        (59 * 60, "less than an hour"),
        (3600, "1 hour"),
        (5 * 3600 + 600, "5 hours"),
        (47 * 3600, "47 hours"),
        (48 * 3600, "2 days"),
        (10 * 86400, "10 days"),
    ],
)
def test_durations_read_as_people_say_them(seconds, text):
    with translation.override("en"):
        assert human_duration(seconds) == text


def test_a_partner_profile_has_no_reply_figures(cast, client):
    client.force_login(cast.partner_worker)
    page = client.get(reverse("organisation_detail", args=[cast.partner.pk]))
    assert page.status_code == 200
    assert "replies" not in page.context
    assert 'data-role="reply-figures"' not in page.content.decode()


def _profile_queries(client, django_assert_max_num_queries, ocmw, budget):
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(reverse("organisation_detail", args=[ocmw.pk])).status_code == 200
    return len(captured.captured_queries)


def test_profile_queries_do_not_grow_with_the_referrals(
    cast, client, plant, django_assert_max_num_queries
):
    client.force_login(cast.other_partner_worker)
    plant(cast.teams.watercel, S.CONTACT_MADE, contact_after_hours=3, count=3)
    few = _profile_queries(client, django_assert_max_num_queries, cast.ocmw, 25)

    plant(cast.teams.watercel, S.CONTACT_MADE, contact_after_hours=5, count=27)
    plant(cast.teams.onthaal, S.CLOSED, contact_after_hours=30, count=20)
    plant(cast.teams.onthaal, S.REFUSED, count=10)
    assert Referral.objects.filter(receiving_ocmw=cast.ocmw).count() == 61  # + the template
    many = _profile_queries(client, django_assert_max_num_queries, cast.ocmw, few)
    assert many == few
