"""Server-drawn SVG bar charts: bars as long as their values, a summary in words for
screen readers, an empty state instead of an empty frame; and a chart on each figures
page (referral figures, information sessions, what works, the directory profile)."""

import re
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from portal.templatetags.charts import WIDTH, bars
from tests.referrals.test_what_works import data  # noqa: F401 (a fixture)
from tests.training.conftest import make_session, world  # noqa: F401 (fixtures)

REACH = [
    {"label": "telefoon", "value": 55},
    {"label": "brief", "value": 50},
    {"label": "huisbezoek", "value": 100},
]


def render(items, **options) -> str:
    arguments = " ".join(f'{name}="{value}"' for name, value in options.items())
    source = "{% load charts %}{% bar_chart items chart_id='reach' title='Bereikt' " + arguments
    return Template(source + " %}").render(Context({"items": items}))


def widths(html: str) -> list[float]:
    return [float(w) for w in re.findall(r'class="chart-bar"[^>]* width="([\d.]+)"', html)]


def test_bars_are_proportional_to_their_values():
    drawn = widths(render(REACH))
    assert drawn == [pytest.approx(WIDTH * 0.55), pytest.approx(WIDTH * 0.5), WIDTH]
    phone, letter, visit = drawn
    assert letter < phone < visit  # 50 %, 55 % and 100 % no longer look alike


def test_a_maximum_sets_the_full_length():
    drawn = widths(render([{"label": "a", "value": 25}, {"label": "b", "value": 50}], maximum=100))
    assert drawn == [WIDTH * 0.25, WIDTH * 0.5]


def test_the_chart_says_what_it_shows():
    with translation.override("nl"):
        html = render(REACH, unit="%")
    assert '<svg role="img" aria-labelledby="chart-reach-title"' in html
    assert 'viewBox="0 0 320 ' in html and 'width="100%"' in html
    title = re.search(r'<title id="chart-reach-title">(.*?)</title>', html).group(1)
    assert title == "Bereikt: telefoon 55\u00a0%, brief 50\u00a0%, huisbezoek 100\u00a0%"
    assert "style=" not in html and "<script" not in html  # the site's CSP


def test_numbers_are_never_localised_inside_svg_attributes():
    with translation.override("nl"):
        html = render([{"label": "a", "value": 1}, {"label": "b", "value": 3}])
    for attribute in re.findall(r' (?:width|x|y|height)="([^"]*)"', html):
        assert "," not in attribute


def test_empty_data_gives_an_empty_state_not_a_broken_chart():
    for items in ([], None, [{"label": "a", "value": 0}], [{"label": "a", "value": None}]):
        html = render(items)
        assert "<svg" not in html
        assert 'class="empty chart-empty"' in html


def test_the_empty_state_can_be_left_out_or_worded():
    assert render([], empty="").strip() == ""
    assert "Geen pogingen" in render([], empty="Geen pogingen")


def test_a_caption_shows_the_title_where_no_heading_does():
    assert '<figcaption class="chart-caption">Bereikt</figcaption>' in render(REACH, caption=True)
    assert "<figcaption" not in render(REACH)


def test_items_without_a_value_are_left_out_and_zero_counts_kept_beside_others():
    chart = bars(
        [{"label": "a", "value": None}, {"label": "b", "value": 0}, {"label": "c", "value": 4}]
    )
    assert [(bar.label, bar.width) for bar in chart] == [("b", "0.0"), ("c", f"{WIDTH:.1f}")]


def test_long_labels_are_shortened_in_the_picture_but_whole_in_the_summary():
    name = "Een heel lange naam van een team dat doorverwijzingen ontvangt"
    html = render([{"label": name, "value": 3}])
    assert f'<title id="chart-reach-title">Bereikt: {name} 3</title>' in html
    assert "…" in html


# Each figures page draws its charts ------------------------------------------------

SVG = '<svg role="img"'


@pytest.mark.django_db
def test_referral_figures_page_has_a_chart(cast, client, make_referral):
    make_referral()
    client.force_login(cast.coordinator)
    response = client.get(reverse("referral_figures"))
    assert response.status_code == 200
    assert SVG in response.content.decode()
    assert response.context["figures"]["month_totals"][0]["value"] == 1


@pytest.mark.django_db
def test_session_figures_page_has_a_chart(world, make_session, client):  # noqa: F811
    session = make_session(status="held", starts_in=timedelta(hours=-3))
    session.people_reached = 12
    session.save(update_fields=["people_reached"])
    client.force_login(world.coordinator)
    response = client.get(reverse("session_figures"), {"year": session.starts_at.year})
    assert response.status_code == 200
    html = response.content.decode()
    assert SVG in html and 'data-chart="topics"' in html


@pytest.mark.django_db
def test_what_works_page_has_a_chart_per_breakdown(cast, client, data):  # noqa: F811
    client.force_login(cast.coordinator)
    response = client.get(reverse("what_works"), {"start": "2026-10-01", "end": "2026-11-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(SVG) >= 5
    assert 'table class="rate-table"' in html  # the numbers stay in their tables
    assert 'style="--rate' not in html


@pytest.mark.django_db
def test_directory_profile_has_a_chart(cast, client, make_referral):
    from referrals.referrals import services
    from referrals.referrals.models import Referral

    for hours in range(5):
        referral = make_referral()
        Referral.objects.filter(pk=referral.pk).update(
            submitted_at=timezone.now() - timedelta(hours=hours + 1)
        )
        referral.refresh_from_db()
        referral = services.acknowledge_referral(
            referral, actor=cast.social_worker, version=referral.version
        )
        services.record_contact(referral, actor=cast.social_worker, version=referral.version)
    client.force_login(cast.partner_worker)
    response = client.get(reverse("organisation_detail", args=[cast.ocmw.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-chart="reply-time"' in html and 'data-chart="taken-on"' in html
    assert SVG in html
