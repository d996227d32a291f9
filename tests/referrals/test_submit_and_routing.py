import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from portal.core.exceptions import ActionRefused
from portal.core.models import Notification
from referrals.referrals.models import Referral
from tests.referrals.conftest import CONSENT, client_data

pytestmark = pytest.mark.django_db


def test_water_referral_routes_to_the_arrears_team_of_the_serving_ocmw(cast, referral):
    assert referral.status == Referral.Status.SUBMITTED
    assert referral.receiving_ocmw == cast.ocmw
    assert referral.receiving_team == cast.teams.watercel
    assert referral.submitted_at is not None
    assert list(referral.timeline.values_list("action", flat=True)) == ["create", "submit"]


def test_other_reasons_go_to_the_general_team(cast, make_referral):
    assert make_referral(reason="other").receiving_team == cast.teams.onthaal


def test_the_receiving_team_is_notified_without_client_details(cast, referral):
    notes = Notification.objects.filter(recipient=cast.social_worker)
    assert notes.count() == 1
    assert "Maria" not in notes.get().text
    assert referral.reference in notes.get().text


def test_submission_without_consent_is_refused(cast, make_referral):
    with pytest.raises(ActionRefused, match="toestemming"):
        make_referral(consent=None)
    assert not Referral.objects.filter(status=Referral.Status.SUBMITTED).exists()


def test_consent_must_cover_sharing_and_contact(cast, make_referral):
    with pytest.raises(ActionRefused):
        make_referral(consent={**CONSENT, "ocmw_may_contact": False})


def test_a_draft_can_be_saved_without_consent_and_submitted_later(cast, make_referral):
    from referrals.referrals import services

    draft = make_referral(submit=False, consent=None)
    assert draft.status == Referral.Status.DRAFT
    with pytest.raises(ActionRefused):
        services.submit_referral(draft, actor=cast.partner_worker, version=draft.version)


def test_no_agreement_no_referral_and_the_message_says_where_to_go(cast, make_referral):
    with pytest.raises(ActionRefused) as refusal:
        make_referral(client=client_data(cast, postcode=cast.other_postcode))
    assert "Sociaal Huis Dendermonde" in str(refusal.value.message)
    assert "geen" in str(refusal.value.message)


def test_team_without_agreement_cannot_refer(cast, make_referral):
    with pytest.raises(ActionRefused):
        make_referral(actor=cast.other_partner_worker, team=cast.teams.other_partner)


def test_only_members_of_a_referring_team_can_create(cast, make_referral):
    with pytest.raises(PermissionDenied):
        make_referral(actor=cast.social_worker, team=cast.teams.watercel)
    with pytest.raises(PermissionDenied):
        make_referral(actor=cast.outsider, team=cast.teams.partner)


def test_internal_team_refers_to_its_own_ocmw_without_agreement(cast, make_referral):
    referral = make_referral(actor=cast.internal_worker, team=cast.teams.opbouw)
    assert referral.receiving_ocmw == cast.ocmw


def _form_data(cast, **overrides):
    data = {
        "client-full_name": "Maria Janssens",
        "client-street": "Stationsstraat 1",
        "client-postcode": cast.postcode.pk,
        "client-phone": "0470 12 34 56",
        "client-language": "nl",
        "client-preferred_channel": "phone",
        "referral-team": cast.teams.partner.pk,
        "referral-reason": "water",
        "referral-description": "Brief van de watermaatschappij.",
        "referral-contact_via": "direct",
        "consent-share_details": "on",
        "consent-ocmw_may_contact": "on",
        "consent-feedback": "status",
        "consent-method": "spoken",
        "consent-given_by": "Maria Janssens",
        "submit": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_form_submits_and_redirects_to_the_referral(cast, client):
    client.force_login(cast.partner_worker)
    response = client.post(reverse("referral_new"), _form_data(cast))
    referral = Referral.objects.get()
    assert response.url == reverse("referral_detail", args=[referral.pk])
    assert referral.status == Referral.Status.SUBMITTED


def test_form_without_consent_explains_in_dutch_and_keeps_input(cast, client):
    client.force_login(cast.partner_worker)
    response = client.post(
        reverse("referral_new"),
        _form_data(cast, **{"consent-share_details": None, "consent-ocmw_may_contact": None}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "toestemming" in page
    assert 'value="Maria Janssens"' in page
    assert not Referral.objects.exists()


def test_form_to_ocmw_without_agreement_explains_and_keeps_input(cast, client):
    client.force_login(cast.partner_worker)
    response = client.post(
        reverse("referral_new"), _form_data(cast, **{"client-postcode": cast.other_postcode.pk})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sociaal Huis Dendermonde" in page
    assert "Stationsstraat 1" in page
    assert not Referral.objects.exists()


def test_new_referral_page_is_refused_to_people_who_cannot_refer(cast, client):
    client.force_login(cast.social_worker)
    assert client.get(reverse("referral_new")).status_code == 403
    client.force_login(cast.outsider)
    assert client.get(reverse("referral_new")).status_code == 403


def test_accompanying_without_saying_when_is_asked_for(cast, client):
    client.force_login(cast.partner_worker)
    response = client.post(
        reverse("referral_new"), _form_data(cast, **{"referral-offers_to_accompany": "on"})
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()
