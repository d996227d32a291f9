"""Dutch screens say Dutch things: no shared msgid that names the wrong kind of
session, languages by name, not by code (#22)."""

import pytest
from django.urls import reverse

from tests.referrals.conftest import client_data

pytestmark = pytest.mark.django_db


def test_the_lac_planning_form_is_not_headed_as_an_information_session(cast, client):
    client.force_login(cast.social_worker)
    page = client.get(reverse("lac_sessions")).content.decode()
    assert "Een LAC-zitting plannen" in page
    assert "Een infosessie plannen" not in page
    client.force_login(cast.coordinator)
    training = client.get(reverse("session_list")).content.decode()
    assert "Een infosessie plannen" in training


def test_the_receiving_team_reads_the_clients_language_by_name(cast, client, make_referral):
    referral = make_referral(client=client_data(cast, language="ar", interpreter_needed=True))
    client.force_login(cast.social_worker)
    page = client.get(reverse("referral_detail", args=[referral.pk])).content.decode()
    assert "Arabisch (tolk nodig)" in page
    assert "ar (tolk nodig)" not in page
