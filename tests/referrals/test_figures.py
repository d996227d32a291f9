from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.referrals import services
from referrals.referrals.figures import referral_figures
from referrals.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_figures_count_times_and_outcomes(cast, make_referral):
    quick, slow, waiting = make_referral(), make_referral(), make_referral()
    for referral, hours in ((quick, 2), (slow, 20)):
        submitted = timezone.now() - timedelta(hours=hours)
        Referral.objects.filter(pk=referral.pk).update(submitted_at=submitted)
        referral.refresh_from_db()
        r = services.acknowledge_referral(
            referral, actor=cast.social_worker, version=referral.version
        )
        services.close_referral(r, actor=cast.social_worker, version=r.version, outcome="helped")
    today = timezone.localdate()
    figures = referral_figures(
        cast.ocmw, start=today - timedelta(days=30), end=today + timedelta(days=1)
    )
    assert figures["total"] == 3
    assert figures["outcomes"] == {"helped": 2}
    assert figures["to_acknowledge"].count == 2
    assert 10 <= figures["to_acknowledge"].median_hours <= 12
    assert figures["to_acknowledge"].p90_hours >= 18
    assert figures["per_month"][0]["other"] == "Buurthuis De Brug"
    assert waiting.status == "submitted"


def test_partner_figures_count_what_it_sent(cast, make_referral):
    make_referral()
    today = timezone.localdate()
    figures = referral_figures(cast.partner, start=today, end=today + timedelta(days=1))
    assert figures["total"] == 1
    assert figures["per_month"][0]["other"] == "OCMW Aalst"


def test_figures_page_shows_only_own_organisation(cast, client, make_referral):
    make_referral()
    client.force_login(cast.coordinator)
    response = client.get(reverse("referral_figures"))
    assert response.status_code == 200
    assert response.context["organisation"] == cast.ocmw
    # Asking for another organisation's figures falls back to one's own.
    other = client.get(reverse("referral_figures"), {"organisation": cast.other_ocmw.pk})
    assert other.context["organisation"] == cast.ocmw


@pytest.mark.parametrize("person", ["social_worker", "partner_worker", "outsider"])
def test_figures_are_for_coordinators_only(cast, client, person):
    client.force_login(getattr(cast, person))
    assert client.get(reverse("referral_figures")).status_code == 403
