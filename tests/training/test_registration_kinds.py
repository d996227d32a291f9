"""By name (with consent), as a headcount, or yourself."""

import pytest
from django.urls import reverse

from portal.core.exceptions import ActionRefused
from training import services
from training.models import Registration

pytestmark = pytest.mark.django_db


def test_named_registration_needs_consent_and_keeps_minimal_contact_data(world, make_session):
    session = make_session()
    with pytest.raises(ActionRefused):
        services.register_people(
            session, actor=world.partner_worker, organisation=world.partner, kind="named",
            participant_name="Fatima B.", consent=False,
        )  # fmt: skip
    registration = services.register_people(
        session, actor=world.partner_worker, organisation=world.partner, kind="named",
        participant_name="Fatima B.", phone="0470 00 00 00", consent=True,
    )  # fmt: skip
    assert registration.consent_at is not None
    assert registration.places == 1
    assert registration.display_name == "Fatima B."


def test_the_same_person_twice_from_one_organisation_is_refused(world, make_session):
    session = make_session()
    args = {"actor": world.partner_worker, "organisation": world.partner, "kind": "named",
            "participant_name": "Fatima B.", "consent": True}  # fmt: skip
    services.register_people(session, **args)
    with pytest.raises(ActionRefused):
        services.register_people(session, **{**args, "participant_name": "fatima b. "})


def test_a_headcount_keeps_no_names(world, make_session):
    session = make_session()
    registration = services.register_people(
        session, actor=world.partner_worker, organisation=world.partner, kind="headcount",
        places=4, participant_name="Niet bewaren", phone="0470",
    )  # fmt: skip
    assert (registration.participant_name, registration.phone) == ("", "")
    assert registration.places == 4


def test_partner_staff_register_themselves_for_staff_sessions_only(world, make_session):
    staff_session = make_session(audience="partner_staff")
    me = services.register_people(
        staff_session, actor=world.partner_worker, organisation=world.partner, kind="self"
    )
    assert me.participant_user == world.partner_worker
    with pytest.raises(ActionRefused):
        services.register_people(
            staff_session, actor=world.partner_worker, organisation=world.partner, kind="self"
        )
    residents_session = make_session(audience="residents")
    with pytest.raises(ActionRefused):
        services.register_people(
            residents_session, actor=world.partner_worker, organisation=world.partner, kind="self"
        )


def test_register_page_keeps_input_when_consent_is_missing(world, make_session, client):
    session = make_session()
    client.force_login(world.partner_worker)
    response = client.post(
        reverse("session_register", args=[session.pk]),
        {"organisation": world.partner.pk, "kind": "named", "participant_name": "Fatima B."},
    )
    assert response.status_code == 200
    assert "Fatima B." in response.content.decode()
    assert not Registration.objects.exists()


def test_register_page_registers_a_headcount(world, make_session, client):
    session = make_session(capacity=2)
    client.force_login(world.partner_worker)
    response = client.post(
        reverse("session_register", args=[session.pk]),
        {"organisation": world.partner.pk, "kind": "headcount", "places": 2},
    )
    assert response.status_code == 302
    assert Registration.objects.get().places == 2


def test_register_page_refused_sides(world, make_session, client):
    draft = make_session(status="draft")
    url = reverse("session_register", args=[draft.pk])
    client.force_login(world.partner_worker)  # a draft is not visible to partners
    assert client.get(url).status_code == 404
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_registration_cancel_page_asks_first_and_is_only_for_the_own_organisation(
    world, make_session, register, client
):
    session = make_session()
    registration = register(session, kind="named")
    url = reverse("registration_cancel", args=[session.pk, registration.pk])
    client.force_login(world.other_partner_worker)  # sees the session, not this registration
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.partner_admin)  # same organisation
    page = client.get(url)
    assert page.status_code == 200
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"
    assert client.post(url).status_code == 302
    assert Registration.objects.get(pk=registration.pk).status == "cancelled"
