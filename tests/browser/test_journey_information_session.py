"""Journey 6: a coordinator plans an information session, a partner registers a group,
the coordinator records who came.

An Maes (coordinator, OCMW Aalst) plans "reading the water bill" in the big hall of
Buurthuis De Brug, with De Brug as co-host, and publishes it. Sara Peeters of De Brug
registers four people without names (a headcount). After the session An records that three
of them came, and two people without a registration: the session is held, five people were
reached, and Sara sees how many of hers came.

Everything happens in the browser, except that time passes between registering and the
session: the test moves the session's start into the past.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from partners.models import Organisation, Team
from tests.browser.helpers import log_in, submit, url_is
from training.models import Registration, Session, Venue

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator@example.org"  # An Maes, Energie- en watercel, OCMW Aalst
PARTNER = "partner@example.org"  # Sara Peeters, Buurthuis De Brug
TITLE = "Je waterfactuur lezen in De Brug"
DESCRIPTION = "We lezen samen een waterfactuur. U leert wat er op staat en wat u kunt doen."


def test_coordinator_plans_a_session_a_partner_registers_and_attendance_is_recorded(
    demo_world, page, another_browser, assert_accessible
):
    aalst = Organisation.objects.get(name="OCMW Aalst")
    de_brug = Organisation.objects.get(name="Buurthuis De Brug")
    watercel = Team.objects.get(organisation=aalst, name="Energie- en watercel")
    hall = Venue.objects.get(organisation=de_brug, name="Grote zaal")
    day = timezone.localdate() + timedelta(days=10)

    # The coordinator plans the session from the list of sessions.
    coordinator = page
    log_in(coordinator, COORDINATOR)
    coordinator.locator(f"header nav a[href='{reverse('session_list')}']").click()
    expect(coordinator).to_have_url(url_is(reverse("session_list")))
    assert_accessible(coordinator)
    coordinator.locator(f"main a[href='{reverse('session_create')}']").click()
    expect(coordinator).to_have_url(url_is(reverse("session_create")))
    assert_accessible(coordinator)

    form = coordinator.locator("main form[method=post]")
    form.locator("[name=title]").fill(TITLE)
    form.locator("[name=topics][value=water_bill]").check()
    form.locator("[name=audience][value=residents]").check()
    form.locator("[name=language]").select_option("nl")  # not chosen for the organiser
    form.locator("[name=organising_team]").select_option(str(watercel.pk))
    form.locator("[name=venue]").select_option(str(hall.pk))
    form.locator("[name=date]").fill(day.isoformat())
    form.locator("[name=start_time]").fill("14:00")
    form.locator("[name=end_time]").fill("16:00")
    form.locator("[name=capacity]").fill("20")
    form.locator("[name=description]").fill(DESCRIPTION)
    form.locator(f"[name=cohosts][value='{de_brug.pk}']").check()
    submit(form)

    session = Session.objects.get(title=TITLE)
    detail = reverse("session_detail", args=[session.pk])
    expect(coordinator).to_have_url(url_is(detail))
    expect(coordinator.locator(".messages .success")).to_have_count(1)
    assert session.status == Session.Status.DRAFT
    assert timezone.localtime(session.starts_at).date() == day
    assert list(session.cohosts.values_list("organisation", flat=True)) == [de_brug.pk]
    assert_accessible(coordinator)

    # Published, partners can register people.
    publish = reverse("session_publish", args=[session.pk])
    coordinator.locator(f"main form[action='{publish}'] button[type=submit]").click()
    expect(coordinator).to_have_url(url_is(detail))
    expect(coordinator.locator(f"main form[action='{publish}']")).to_have_count(0)
    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED
    assert_accessible(coordinator)

    # The partner finds it on her list of sessions and registers four people, no names.
    partner = another_browser()
    log_in(partner, PARTNER)
    partner.locator(f"header nav a[href='{reverse('session_list')}']").click()
    expect(partner).to_have_url(url_is(reverse("session_list")))
    assert_accessible(partner)
    partner.locator(f"main a[href='{detail}']").click()
    expect(partner).to_have_url(url_is(detail))
    assert_accessible(partner)
    partner.locator(f"main a[href='{reverse('session_register', args=[session.pk])}']").click()
    expect(partner).to_have_url(url_is(reverse("session_register", args=[session.pk])))
    assert_accessible(partner)
    form = partner.locator("main form[method=post]")
    form.locator("[name=kind][value=headcount]").check()
    form.locator("[name=places]").fill("4")
    submit(form)
    expect(partner).to_have_url(url_is(detail))
    expect(partner.locator(".messages .success")).to_have_count(1)
    registration = Registration.objects.get(session=session)
    assert (registration.organisation, registration.kind, registration.places) == (
        de_brug,
        Registration.Kind.HEADCOUNT,
        4,
    )
    assert registration.status == Registration.Status.CONFIRMED
    expect(partner.locator("main #registrations tbody tr")).to_have_count(1)
    assert_accessible(partner)

    # Ten days later the session took place (the test moves it into the past).
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1)
    )

    # The coordinator records attendance: three of the four came, and two walk-ins.
    coordinator.reload()
    attendance = reverse("session_attendance", args=[session.pk])
    coordinator.locator(f"main a[href='{attendance}']").click()
    expect(coordinator).to_have_url(url_is(attendance))
    assert_accessible(coordinator)
    form = coordinator.locator("main form[method=post]")
    expect(form.locator("[name=mode][value=per_registration]")).to_be_checked()
    came = form.locator(f"[name=registration_{registration.pk}]")
    expect(came).to_have_value("4")
    came.fill("3")
    form.locator("[name=walk_ins]").fill("2")
    submit(form)
    expect(coordinator).to_have_url(url_is(detail))
    expect(coordinator.locator(".messages .success")).to_have_count(1)
    expect(coordinator.locator("main h1 .session-status")).to_have_class(re.compile(r"\bheld\b"))
    assert_accessible(coordinator)

    session.refresh_from_db()
    registration.refresh_from_db()
    assert session.status == Session.Status.HELD
    assert session.people_reached == 5
    assert registration.attended == 3

    # The partner sees how many of the people she registered came.
    partner.reload()
    row = partner.locator("main #registrations tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(-2)).to_have_text("3")
    assert_accessible(partner)
