import pytest
from django.urls import reverse

from partners.models import Agreement

pytestmark = pytest.mark.django_db


def _propose(client, proposer, other, **extra):
    data = {"other": other.pk, "may_refer": "on", "valid_from": "2026-12-01", **extra}
    return client.post(reverse("agreement_propose", args=[proposer.pk]), data)


def test_coordinator_proposes_and_partner_admin_confirms(cast, client):
    client.force_login(cast.coordinator)
    response = _propose(client, cast.ocmw, cast.other_partner)
    assert response.status_code == 302
    agreement = Agreement.objects.get(partner=cast.other_partner)
    assert agreement.status == "proposed"

    # The proposing side has no confirm button and cannot confirm.
    client.post(reverse("agreement_confirm", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.status == "proposed"


def test_partner_admin_sees_and_confirms_a_proposal(cast, client):
    client.force_login(cast.partner_admin)
    Agreement.objects.filter(partner=cast.partner).delete()
    client.force_login(cast.coordinator)
    _propose(client, cast.ocmw, cast.partner)
    agreement = Agreement.objects.get(partner=cast.partner)
    client.force_login(cast.partner_admin)
    page = client.get(reverse("agreements")).content.decode()
    assert reverse("agreement_confirm", args=[agreement.pk]) in page
    client.post(reverse("agreement_confirm", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.status == "active"


def test_end_date_before_start_is_refused_and_form_keeps_input(cast, client):
    client.force_login(cast.coordinator)
    response = _propose(
        client, cast.ocmw, cast.other_partner, valid_until="2026-01-01", note="Proefjaar"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Proefjaar" in page
    assert not Agreement.objects.filter(partner=cast.other_partner).exists()


def test_second_open_agreement_for_the_same_pair_is_refused(cast, client):
    client.force_login(cast.coordinator)
    response = _propose(client, cast.ocmw, cast.partner)
    assert response.status_code == 200
    assert Agreement.objects.filter(partner=cast.partner).count() == 1


@pytest.mark.parametrize(
    ("person", "status"), [("social_worker", 403), ("outsider", 404), ("partner_admin", 404)]
)
def test_who_may_not_propose_for_the_ocmw(cast, client, person, status):
    client.force_login(getattr(cast, person))
    assert _propose(client, cast.ocmw, cast.other_partner).status_code == status
    assert not Agreement.objects.filter(partner=cast.other_partner).exists()


def test_ending_needs_confirmation_and_an_own_side(cast, client):
    agreement = Agreement.objects.get(partner=cast.partner)
    url = reverse("agreement_end", args=[agreement.pk])
    client.force_login(cast.other_partner_worker)
    assert client.get(url).status_code == 404
    client.force_login(cast.partner_worker)  # sees it, may not manage it
    assert client.post(url).status_code == 403
    client.force_login(cast.coordinator)
    assert client.get(url).status_code == 200
    agreement.refresh_from_db()
    assert agreement.ended_at is None
    assert client.post(url, {"reason": "Project afgelopen"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "ended"


def test_agreements_page_lists_only_own_organisations(cast, client):
    client.force_login(cast.other_social_worker)
    page = client.get(reverse("agreements")).content.decode()
    assert "Buurthuis De Brug" not in page
