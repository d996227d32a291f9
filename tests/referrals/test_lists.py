import pytest
from django.urls import reverse

from referrals.referrals import services
from referrals.referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [2, 30])
def test_my_referrals_query_count_is_constant(
    cast, client, make_referral, count, django_assert_max_num_queries
):
    for _ in range(count):
        make_referral()
    client.force_login(cast.partner_worker)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("my_referrals"))
    assert len(response.context["page"].items) == min(count, 25)


@pytest.mark.parametrize("count", [2, 30])
def test_inbox_query_count_is_constant(
    cast, client, make_referral, count, django_assert_max_num_queries
):
    for _ in range(count):
        make_referral()
    client.force_login(cast.social_worker)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("referral_inbox"))
    assert len(response.context["page"].items) == min(count, 25)


def test_inbox_shows_oldest_unacknowledged_first(cast, client, make_referral):
    first, second, third = make_referral(), make_referral(), make_referral()
    services.acknowledge_referral(first, actor=cast.social_worker, version=first.version)
    client.force_login(cast.social_worker)
    items = client.get(reverse("referral_inbox")).context["page"].items
    assert [r.pk for r in items] == [second.pk, third.pk, first.pk]


def test_inbox_filters(cast, client, make_referral):
    water = make_referral()
    urgent_energy = make_referral(reason="energy", supply_limited=True, lac_letter_received=False)
    calm = make_referral(lac_letter_received=False)
    services.assign_referral(
        calm, actor=cast.coordinator, worker=cast.social_worker, version=calm.version
    )
    client.force_login(cast.social_worker)

    def pks(**params):
        return {r.pk for r in client.get(reverse("referral_inbox"), params).context["page"].items}

    assert pks(reason="energy") == {urgent_energy.pk}
    assert pks(urgent="1") == {water.pk, urgent_energy.pk}
    assert pks(assignee="me") == {calm.pk}
    assert pks(assignee="nobody") == {water.pk, urgent_energy.pk}
    assert pks(q="maria") == {water.pk, urgent_energy.pk, calm.pk}
    assert pks(q="niemand") == set()
    assert pks(older_than="5") == set()
    empty = client.get(reverse("referral_inbox"), {"q": "niemand"}).content.decode()
    assert "Geen doorverwijzingen gevonden met deze filters." in empty


def test_inbox_shows_open_ones_unless_asked(cast, client, make_referral):
    waiting, acknowledged, refused = make_referral(), make_referral(), make_referral()
    services.acknowledge_referral(
        acknowledged, actor=cast.social_worker, version=acknowledged.version
    )
    services.refuse_referral(
        refused, actor=cast.social_worker, version=refused.version, reason="already_known"
    )
    client.force_login(cast.social_worker)

    def pks(**params):
        return {r.pk for r in client.get(reverse("referral_inbox"), params).context["page"].items}

    assert pks() == {waiting.pk, acknowledged.pk}
    assert pks(show="waiting") == {waiting.pk}
    assert pks(show="closed") == {refused.pk}
    assert pks(show="all") == {waiting.pk, acknowledged.pk, refused.pk}
    assert pks(show="nonsense", older_than="-3") == {waiting.pk, acknowledged.pk}


def test_my_referrals_filters(cast, client, make_referral):
    waiting, refused = make_referral(), make_referral()
    services.refuse_referral(
        refused, actor=cast.social_worker, version=refused.version, reason="already_known"
    )
    client.force_login(cast.partner_worker)

    def pks(**params):
        return {r.pk for r in client.get(reverse("my_referrals"), params).context["page"].items}

    assert pks() == {waiting.pk, refused.pk}
    assert pks(status="open") == {waiting.pk}
    assert pks(status="refused") == {refused.pk}
    assert pks(status="nonsense") == {waiting.pk, refused.pk}
    assert pks(q="maria") == {waiting.pk, refused.pk}
    assert pks(q="niemand") == set()


def test_inbox_and_lists_need_login(client):
    for name in ("referral_inbox", "my_referrals", "referral_new"):
        assert client.get(reverse(name)).status_code == 302


def test_actions_through_the_page(cast, client, referral):
    client.force_login(cast.social_worker)
    url = reverse("referral_action", args=[referral.pk, "acknowledge"])
    assert client.post(url, {"version": referral.version}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACKNOWLEDGED
    stale = client.post(url, {"version": 1})
    assert stale.status_code == 400


def test_partner_cannot_post_ocmw_actions(cast, client, referral):
    client.force_login(cast.partner_worker)
    url = reverse("referral_action", args=[referral.pk, "acknowledge"])
    assert client.post(url, {"version": referral.version}).status_code == 403
    client.force_login(cast.other_partner_worker)
    assert client.post(url, {"version": referral.version}).status_code == 404


def test_bad_appointment_keeps_input_and_explains(cast, client, referral):
    r = services.acknowledge_referral(referral, actor=cast.social_worker, version=referral.version)
    client.force_login(cast.social_worker)
    response = client.post(
        reverse("referral_action", args=[r.pk, "plan_appointment"]),
        {"version": r.version, "at": "2020-01-01T10:00", "place": "Loket 3"},
    )
    assert response.status_code == 400
    assert "Loket 3" in response.content.decode()
