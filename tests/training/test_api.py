"""/api/v1/ for sessions, registrations, requests and venues: the same rules as the
pages, JSON errors, cursor pagination."""

from datetime import timedelta

import pytest
from django.utils import timezone

from training.models import Registration, Session, SessionRequest

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _json(client, method, url, data=None):
    return getattr(client, method)(url, data or {}, content_type="application/json")


@pytest.mark.parametrize(
    "path", ["sessions/", "session-registrations/", "session-requests/", "venues/"]
)
def test_anonymous_gets_403(world, client, path):
    # 401 once bearer tokens are accepted (their challenge), 403 with sessions only.
    assert client.get(f"{API}/{path}").status_code in (401, 403)


def test_session_list_uses_a_cursor_and_hides_drafts(world, make_session, client):
    make_session(title="Gepubliceerd")
    make_session(title="Ontwerp", status="draft")
    client.force_login(world.partner_worker)
    body = client.get(f"{API}/sessions/").json()
    assert [s["title"] for s in body["results"]] == ["Gepubliceerd"]
    assert "next" in body
    assert "count" not in body
    first = body["results"][0]
    assert first["confirmed_places"] == 0
    assert first["topics"] == ["water_bill", "lac"]
    client.force_login(world.outsider)
    assert client.get(f"{API}/sessions/").json()["results"] == []


def test_session_detail_refused_sides(world, make_session, client):
    draft = make_session(status="draft")
    client.force_login(world.partner_worker)
    assert client.get(f"{API}/sessions/{draft.pk}/").status_code == 404
    client.force_login(world.coordinator)
    assert client.get(f"{API}/sessions/{draft.pk}/").status_code == 200


def _new_session(world, **changes):
    start = timezone.now() + timedelta(days=10)
    data = {
        "organisation": world.ocmw.pk,
        "title": "Water en energie besparen",
        "topics": ["saving"],
        "audience": "residents",
        "venue": world.venues.partner.pk,
        "organising_team": world.teams.watercel.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "capacity": 12,
        "description": "Tips die meteen helpen.",
        "cohosts": [world.partner.pk],
    }
    data.update(changes)
    return data


def test_coordinator_creates_edits_publishes_and_cancels(world, client):
    client.force_login(world.coordinator)
    created = _json(client, "post", f"{API}/sessions/", _new_session(world))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft"
    assert body["cohosts"] == [{"id": world.partner.pk, "name": "Buurthuis De Brug"}]
    url = f"{API}/sessions/{body['id']}/"
    edited = _json(client, "patch", url, {"version": body["version"], "capacity": 15})
    assert edited.json()["capacity"] == 15
    stale = _json(client, "patch", url, {"version": body["version"], "capacity": 16})
    assert stale.status_code == 409
    assert "detail" in stale.json()
    assert client.post(f"{url}publish/").json()["status"] == "published"
    assert _json(client, "post", f"{url}cancel/", {"reason": ""}).status_code == 400
    cancelled = _json(client, "post", f"{url}cancel/", {"reason": "Ziek"})
    assert cancelled.json()["status"] == "cancelled"


def test_session_create_refused_sides(world, client):
    client.force_login(world.social_worker)  # member of the OCMW, no "plan sessions"
    assert _json(client, "post", f"{API}/sessions/", _new_session(world)).status_code == 403
    client.force_login(world.partner_worker)  # not a member of the OCMW
    assert _json(client, "post", f"{API}/sessions/", _new_session(world)).status_code == 404
    client.force_login(world.coordinator)
    refused = _json(client, "post", f"{API}/sessions/",
                    _new_session(world, cohosts=[world.other_partner.pk]))  # fmt: skip
    assert refused.status_code == 409  # no agreement that allows co-hosting
    assert not Session.objects.exists()


def test_edit_publish_cancel_refused_sides(world, make_session, client):
    session = make_session(status="draft", cohosts=[world.partner])
    url = f"{API}/sessions/{session.pk}/"
    client.force_login(world.partner_worker)  # co-host
    assert _json(client, "patch", url, {"version": 1, "title": "x"}).status_code == 403
    assert client.post(f"{url}publish/").status_code == 403
    assert _json(client, "post", f"{url}cancel/", {"reason": "x"}).status_code == 403
    practical = _json(client, "patch", f"{url}practical/",
                      {"version": session.version, "practical_info": "Koffie"})  # fmt: skip
    assert practical.status_code == 200
    client.force_login(world.other_partner_worker)
    assert _json(client, "patch", f"{url}practical/", {"version": 2}).status_code == 404
    session.refresh_from_db()
    assert (session.status, session.practical_info) == ("draft", "Koffie")


def test_registrations_through_the_api(world, make_session, client):
    session = make_session(capacity=2)
    client.force_login(world.partner_worker)
    url = f"{API}/session-registrations/"
    first = _json(client, "post", url, {"session": session.pk, "organisation": world.partner.pk,
                                        "kind": "headcount", "places": 2})  # fmt: skip
    assert first.status_code == 201, first.json()
    assert first.json()["status"] == "confirmed"
    named = _json(client, "post", url, {"session": session.pk, "organisation": world.partner.pk,
                                        "kind": "named", "participant_name": "Fatima B.",
                                        "consent": True})  # fmt: skip
    assert named.json()["status"] == "waiting"
    no_consent = _json(client, "post", url, {"session": session.pk,
                                             "organisation": world.partner.pk, "kind": "named",
                                             "participant_name": "Jan"})  # fmt: skip
    assert no_consent.status_code == 409
    listed = client.get(url, {"session": session.pk}).json()["results"]
    assert [(r["kind"], r["places"]) for r in listed] == [("headcount", 2), ("named", 1)]
    assert listed[1]["name"] == "Fatima B."
    cancelled = client.post(f"{url}{first.json()['id']}/cancel/")
    assert cancelled.json()["status"] == "cancelled"
    assert Registration.objects.get(pk=named.json()["id"]).status == "confirmed"


def test_registration_api_refused_sides(world, make_session, register, client):
    session = make_session()
    registration = register(session, kind="named")
    client.force_login(world.other_partner_worker)
    assert client.get(f"{API}/session-registrations/").json()["results"] == []
    assert client.get(f"{API}/session-registrations/{registration.pk}/").status_code == 404
    assert client.post(f"{API}/session-registrations/{registration.pk}/cancel/").status_code == 404
    other_org = _json(client, "post", f"{API}/session-registrations/",
                      {"session": session.pk, "organisation": world.partner.pk,
                       "kind": "headcount"})  # fmt: skip
    assert other_org.status_code == 404  # not their organisation
    draft = make_session(status="draft")
    hidden = _json(client, "post", f"{API}/session-registrations/",
                   {"session": draft.pk, "organisation": world.other_partner.pk,
                    "kind": "headcount"})  # fmt: skip
    assert hidden.status_code == 404
    client.force_login(world.coordinator)  # the organiser sees names
    names = [r["name"] for r in client.get(f"{API}/session-registrations/").json()["results"]]
    assert names == ["Fatima B."]


def test_requests_through_the_api(world, client):
    today = timezone.localdate()
    client.force_login(world.partner_worker)
    created = _json(client, "post", f"{API}/session-requests/", {
        "organisation": world.partner.pk, "ocmw": world.ocmw.pk, "topics": ["lac"],
        "audience": "residents", "preferred_from": str(today + timedelta(days=10)),
        "preferred_until": str(today + timedelta(days=30)), "expected_people": 9,
    })  # fmt: skip
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert client.post(f"{API}/session-requests/{pk}/decline/").status_code == 403
    client.force_login(world.coordinator)
    start = timezone.now() + timedelta(days=12)
    planned = _json(client, "post", f"{API}/session-requests/{pk}/plan/", {
        "title": "De LAC", "topics": ["lac"], "audience": "residents",
        "venue": world.venues.partner.pk, "organising_team": world.teams.watercel.pk,
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(),
        "capacity": 9, "description": "Wat doet de LAC?",
    })  # fmt: skip
    assert planned.status_code == 201, planned.json()
    assert planned.json()["cohosts"] == [{"id": world.partner.pk, "name": "Buurthuis De Brug"}]
    assert SessionRequest.objects.get(pk=pk).status == "planned"
    client.force_login(world.other_partner_worker)
    assert client.get(f"{API}/session-requests/{pk}/").status_code == 404


def test_attendance_evaluation_and_figures_through_the_api(world, make_session, register, client):
    session = make_session(starts_in=timedelta(hours=-3), cohosts=[world.partner])
    registration = register(session, places=3)
    client.force_login(world.partner_worker)
    url = f"{API}/sessions/{session.pk}/"
    assert _json(client, "post", f"{url}attendance/", {"total": 3}).status_code == 403
    client.force_login(world.coordinator)
    recorded = _json(client, "post", f"{url}attendance/",
                     {"attended": [{"registration": registration.pk, "came": 2}],
                      "walk_ins": 1})  # fmt: skip
    assert recorded.json()["people_reached"] == 3
    client.force_login(world.partner_worker)
    evaluated = _json(client, "post", f"{url}evaluation/",
                      {"organisation": world.partner.pk, "useful": "yes"})  # fmt: skip
    assert evaluated.status_code == 204
    year = timezone.localtime(session.starts_at).year
    figures = f"{API}/sessions/figures/?organisation={world.ocmw.pk}&year={year}"
    assert client.get(figures).status_code == 404  # not a member of the OCMW
    client.force_login(world.social_worker)
    assert client.get(figures).status_code == 403
    client.force_login(world.coordinator)
    body = client.get(figures).json()
    assert (body["held"], body["people_reached"]) == (1, 3)


def test_venues_through_the_api(world, client):
    client.force_login(world.partner_worker)
    names = [v["name"] for v in client.get(f"{API}/venues/").json()["results"]]
    assert names == ["Grote zaal", "Winkel", "Zaal Gasthuis"]
    data = {"organisation": world.partner.pk, "name": "Keuken", "capacity": 8}
    assert _json(client, "post", f"{API}/venues/", data).status_code == 403
    client.force_login(world.partner_admin)
    created = _json(client, "post", f"{API}/venues/", data)
    assert created.status_code == 201
    venue = created.json()
    updated = _json(client, "patch", f"{API}/venues/{venue['id']}/",
                    {"version": venue["version"], "capacity": 10})  # fmt: skip
    assert updated.json()["capacity"] == 10
    client.force_login(world.coordinator)
    assert _json(client, "patch", f"{API}/venues/{venue['id']}/",
                 {"version": 2, "capacity": 1}).status_code == 404  # fmt: skip


def test_patch_without_a_version_is_refused_not_a_server_error(world, client, make_session):
    session = make_session()
    client.force_login(world.coordinator)
    for path, pk in (("sessions", session.pk), ("venues", world.venues.ocmw.pk)):
        response = client.patch(f"/api/v1/{path}/{pk}/", {}, content_type="application/json")
        assert response.status_code == 428, (path, response.status_code, response.content)


def test_session_and_venue_updates_honour_if_match(world, client, make_session):
    """ETag on read, If-Match on write: a stale ETag is refused with 412 and changes
    nothing; the current one is enough without a version in the body."""
    session = make_session()
    client.force_login(world.coordinator)
    for url, change in (
        (f"{API}/sessions/{session.pk}/", {"title": "Nieuwe titel"}),
        (f"{API}/sessions/{session.pk}/practical/", {"practical_info": "Bel aan bij de zijdeur"}),
        (f"{API}/venues/{world.venues.ocmw.pk}/", {"capacity": 12}),
    ):
        detail = url.removesuffix("practical/")
        read = client.get(detail)
        etag = read["ETag"]
        assert etag == f'"{read.json()["version"]}"'
        stale = f'"{read.json()["version"] + 5}"'
        refused = client.patch(url, change, content_type="application/json", HTTP_IF_MATCH=stale)
        assert refused.status_code == 412, (url, refused.content)
        assert refused.json()["code"] == "precondition_failed"
        assert client.get(detail)["ETag"] == etag  # nothing changed
        changed = client.patch(url, change, content_type="application/json", HTTP_IF_MATCH=etag)
        assert changed.status_code == 200, (url, changed.content)
        assert changed["ETag"] != etag
        key, value = next(iter(change.items()))
        if key in changed.json():
            assert changed.json()[key] == value


def test_if_match_is_checked_after_access(world, client, make_session):
    """Someone who may not change a session gets 404/403, never 412 or 428: the version
    check does not tell them it exists."""
    session = make_session()
    client.force_login(world.partner_worker)
    response = client.patch(
        f"{API}/sessions/{session.pk}/", {}, content_type="application/json", HTTP_IF_MATCH='"99"'
    )
    assert response.status_code in (403, 404)
