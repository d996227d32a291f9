"""Demo information sessions: past and coming sessions, requests, registrations
and attendance. Called by ``seed_demo``; safe to run again (natural keys, dates
relative to today, so there are always past and coming sessions)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from partners.models import Organisation, Team
from portal.core.models import User
from training.models import CoHost, Evaluation, Registration, Session, SessionRequest, Venue

# organisation -> (room, seats, accessibility, directions)
VENUES = {
    "OCMW Aalst": (
        "Polyvalente zaal",
        40,
        "Ingang zonder trappen, lift, aangepast toilet, ringleiding.",
        "Bus 1 en 2, halte Gasthuisstraat.",
    ),
    "Buurthuis De Brug": (
        "Grote zaal",
        25,
        "Drempelvrij. Aangepast toilet op het gelijkvloers.",
        "Ingang langs de tuin, naast de speeltuin.",
    ),
    "Sociale kruidenier 't Winkeltje": (
        "Achterzaal",
        12,
        "Twee treden aan de ingang; een oprijplaat is er op vraag.",
        "",
    ),
    "Welzijnsschakel Dendermonde": ("Ontmoetingsruimte", 20, "Drempelvrij.", ""),
    "Sociaal Huis Dendermonde": ("Zaal Schelde", 30, "Lift en aangepast toilet.", ""),
}

AALST, DENDERMONDE = "OCMW Aalst", "Sociaal Huis Dendermonde"
BRUG, WINKELTJE = "Buurthuis De Brug", "Sociale kruidenier 't Winkeltje"
SCHAKEL = "Welzijnsschakel Dendermonde"

# title -> session fields; "days" is relative to today, times are local.
SESSIONS = {
    "Uw waterfactuur lezen": {
        "organisation": AALST,
        "team": "Energie- en watercel",
        "venue": BRUG,
        "days": -45,
        "hours": (14, 16),
        "topics": "saving water_bill",
        "audience": "residents",
        "capacity": 20,
        "status": Session.Status.HELD,
        "cohosts": [BRUG],
        "description": (
            "We bekijken samen een waterfactuur. Wat betaalt u? Wat is het sociaal tarief? "
            "En hoe ziet u snel of er een lek is?"
        ),
        "practical_info": "Koffie en thee vanaf 13.30. Breng gerust uw eigen factuur mee.",
    },
    "Wat doet de LAC? Voor medewerkers en vrijwilligers": {
        "organisation": AALST,
        "team": "Samenlevingsopbouw",
        "venue": AALST,
        "days": -20,
        "hours": (9, 11),
        "topics": "lac aid_offer",
        "audience": "partner_staff",
        "capacity": 30,
        "status": Session.Status.HELD,
        "cohosts": [],
        "description": (
            "Wat is de LAC water en wanneer komt een gezin op de agenda? Hoe helpt u iemand "
            "de stap naar het Sociaal Huis te zetten, zonder zelf de schulden te regelen?"
        ),
        "practical_info": "",
    },
    "Water en energie besparen": {
        "organisation": AALST,
        "team": "Energie- en watercel",
        "venue": WINKELTJE,
        "days": -10,
        "hours": (10, 11),
        "topics": "saving",
        "audience": "residents",
        "capacity": 12,
        "status": Session.Status.CANCELLED,
        "cohosts": [],
        "description": "Eenvoudige tips om minder water en energie te verbruiken.",
        "practical_info": "",
        "cancellation_reason": "De zaal was die dag niet beschikbaar. We plannen een nieuwe datum.",
    },
    "Water en energie besparen in de winter": {
        "organisation": AALST,
        "team": "Energie- en watercel",
        "venue": BRUG,
        "days": 5,
        "hours": (14, 16),
        "topics": "saving",
        "audience": "residents",
        "capacity": 10,
        "status": Session.Status.FULL,
        "cohosts": [BRUG],
        "description": (
            "Hoe houdt u de kosten laag als het koud is? We tonen eenvoudige tips en "
            "vertellen welke hulp er is als de factuur te hoog wordt."
        ),
        "practical_info": "Kinderen zijn welkom: er is opvang in het speellokaal.",
    },
    "Het hulpaanbod van het Sociaal Huis": {
        "organisation": AALST,
        "team": "Energie- en watercel",
        "venue": AALST,
        "days": 12,
        "hours": (13, 15),
        "topics": "aid_offer lac",
        "audience": "residents",
        "capacity": 30,
        "status": Session.Status.PUBLISHED,
        "cohosts": [],
        "description": (
            "Wie kan u helpen bij het Sociaal Huis? Met geld, wonen, energie en water. "
            "En wat gebeurt er als u uw waterfactuur niet kunt betalen?"
        ),
        "practical_info": "",
        "interpretation": "Arabisch en Turks",
    },
    "De LAC voor vrijwilligers van De Brug": {
        "organisation": AALST,
        "team": "Samenlevingsopbouw",
        "venue": BRUG,
        "days": 25,
        "hours": (19, 21),
        "topics": "lac",
        "audience": "partner_staff",
        "capacity": 15,
        "status": Session.Status.DRAFT,
        "cohosts": [BRUG],
        "description": "Een avond voor de vrijwilligers van De Brug over de LAC water.",
        "practical_info": "",
    },
    "Je waterfactuur lezen": {
        "organisation": DENDERMONDE,
        "team": "Energie- en watercel",
        "venue": SCHAKEL,
        "days": 8,
        "hours": (14, 16),
        "topics": "water_bill",
        "audience": "residents",
        "capacity": 20,
        "status": Session.Status.PUBLISHED,
        "cohosts": [SCHAKEL],
        "description": "Samen een waterfactuur lezen, stap voor stap.",
        "practical_info": "",
    },
}

# (session title, organisation, kind, name, places, status, attended, registered by)
REGISTRATIONS = [
    ("Uw waterfactuur lezen", BRUG, "headcount", "", 8, "confirmed", 6, "partner@example.org"),
    ("Uw waterfactuur lezen", WINKELTJE, "headcount", "", 4, "confirmed", 3,
     "kruidenier@example.org"),
    ("Uw waterfactuur lezen", BRUG, "named", "Fatima B.", 1, "confirmed", 1,
     "partner@example.org"),
    ("Wat doet de LAC? Voor medewerkers en vrijwilligers", BRUG, "self", "", 1, "confirmed",
     None, "partner@example.org"),
    ("Wat doet de LAC? Voor medewerkers en vrijwilligers", WINKELTJE, "self", "", 1,
     "confirmed", None, "kruidenier@example.org"),
    ("Water en energie besparen", WINKELTJE, "headcount", "", 5, "confirmed", None,
     "kruidenier@example.org"),
    ("Water en energie besparen in de winter", BRUG, "headcount", "", 6, "confirmed", None,
     "partner@example.org"),
    ("Water en energie besparen in de winter", WINKELTJE, "headcount", "", 4, "confirmed", None,
     "kruidenier@example.org"),
    ("Water en energie besparen in de winter", BRUG, "named", "Ahmed K.", 1, "waiting", None,
     "partner@example.org"),
    ("Het hulpaanbod van het Sociaal Huis", WINKELTJE, "headcount", "", 3, "confirmed", None,
     "kruidenier@example.org"),
    ("Je waterfactuur lezen", SCHAKEL, "headcount", "", 5, "confirmed", None,
     "welzijnsschakel@example.org"),
]  # fmt: skip

# Attendance of the sessions that took place: (walk-ins, total when counted as one number)
ATTENDANCE = {
    "Uw waterfactuur lezen": (2, None),
    "Wat doet de LAC? Voor medewerkers en vrijwilligers": (0, 9),
}

EVALUATIONS = [
    ("Uw waterfactuur lezen", BRUG, "yes", "Meer tijd voor vragen na afloop.",
     "partner@example.org"),
    ("Uw waterfactuur lezen", WINKELTJE, "partly", "Een voorbeeld van een factuur op papier.",
     "kruidenier@example.org"),
]  # fmt: skip

# (asking organisation, OCMW, status, topics, expected people, note, planned session, reason)
REQUESTS = [
    (BRUG, AALST, "open", "saving water_bill", 15, "Na de voedselbedeling op dinsdag.", None, ""),
    (WINKELTJE, AALST, "planned", "aid_offer", 10, "Veel klanten kennen het Sociaal Huis niet.",
     "Het hulpaanbod van het Sociaal Huis", ""),
    (SCHAKEL, DENDERMONDE, "declined", "lac", 8, "", None,
     "In juli en augustus plannen we geen sessies. Vraag gerust opnieuw voor september."),
]  # fmt: skip


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seed(stdout) -> None:
    organisations = {org.name: org for org in Organisation.objects.filter(name__in=VENUES)}
    users = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    venues = _venues(organisations)
    sessions = _sessions(organisations, venues, users)
    _registrations(sessions, organisations, users)
    _attendance(sessions)
    _evaluations(sessions, organisations, users)
    _requests(sessions, organisations, venues, users)
    stdout.write(
        f"Information sessions ready ({len(sessions)} sessions, "
        f"{Registration.objects.filter(session__in=sessions.values()).count()} registrations)."
    )


def _venues(organisations) -> dict[str, Venue]:
    venues = {}
    for org_name, (room, seats, accessibility, directions) in VENUES.items():
        venues[org_name], _ = Venue.objects.update_or_create(
            organisation=organisations[org_name],
            name=room,
            defaults={
                "capacity": seats,
                "accessibility": accessibility,
                "directions": directions,
                "is_active": True,
            },
        )
    return venues


def _sessions(organisations, venues, users) -> dict[str, Session]:
    sessions = {}
    planners = {
        AALST: "coordinator@example.org",
        DENDERMONDE: "coordinator.dendermonde@example.org",
    }
    for title, spec in SESSIONS.items():
        organisation = organisations[spec["organisation"]]
        start, end = spec["hours"]
        session, _ = Session.objects.update_or_create(
            organisation=organisation,
            title=title,
            defaults={
                "organising_team": Team.objects.get(organisation=organisation, name=spec["team"]),
                "topics": spec["topics"],
                "audience": spec["audience"],
                "language": "nl",
                "venue": venues[spec["venue"]],
                "starts_at": _at(spec["days"], start),
                "ends_at": _at(spec["days"], end),
                "capacity": spec["capacity"],
                "description": spec["description"],
                "practical_info": spec["practical_info"],
                "interpretation": spec.get("interpretation", ""),
                "status": spec["status"],
                "cancellation_reason": spec.get("cancellation_reason", ""),
                "cancelled_at": timezone.now()
                if spec["status"] == Session.Status.CANCELLED
                else None,
                "published_at": None if spec["status"] == Session.Status.DRAFT else timezone.now(),
                "created_by": users[planners[spec["organisation"]]],
            },
        )
        for cohost in spec["cohosts"]:
            CoHost.objects.get_or_create(
                session=session,
                organisation=organisations[cohost],
                defaults={"added_by": users[planners[spec["organisation"]]]},
            )
        sessions[title] = session
    return sessions


def _registrations(sessions, organisations, users) -> None:
    for title, org_name, kind, name, places, status, attended, email in REGISTRATIONS:
        session = sessions[title]
        by = users[email]
        lookup = {"session": session, "organisation": organisations[org_name], "kind": kind}
        lookup |= {"participant_user": by} if kind == "self" else {"participant_name": name}
        Registration.objects.update_or_create(
            **lookup,
            defaults={
                "registered_by": by,
                "places": places,
                "status": status,
                "attended": attended,
                "consent_at": session.created_at if kind == "named" else None,
                "confirmed_at": session.created_at if status == "confirmed" else None,
            },
        )


def _attendance(sessions) -> None:
    for title, (walk_ins, total) in ATTENDANCE.items():
        session = sessions[title]
        if total is None:
            attended = sum(
                session.registrations.filter(status="confirmed").values_list("attended", flat=True)
            )
            total = attended + walk_ins
        Session.objects.filter(pk=session.pk).update(
            walk_ins=walk_ins,
            people_reached=total,
            attendance_recorded_at=session.ends_at + dt.timedelta(days=1),
        )


def _evaluations(sessions, organisations, users) -> None:
    for title, org_name, useful, missing, email in EVALUATIONS:
        Evaluation.objects.update_or_create(
            session=sessions[title],
            organisation=organisations[org_name],
            defaults={"useful": useful, "missing": missing, "submitted_by": users[email]},
        )


def _requests(sessions, organisations, venues, users) -> None:
    askers = {
        BRUG: "partner@example.org",
        WINKELTJE: "kruidenier@example.org",
        SCHAKEL: "welzijnsschakel@example.org",
    }
    deciders = {
        AALST: "coordinator@example.org",
        DENDERMONDE: "coordinator.dendermonde@example.org",
    }
    today = timezone.localdate()
    for org_name, ocmw, status, topics, people, note, planned, reason in REQUESTS:
        decided = status != "open"
        SessionRequest.objects.update_or_create(
            organisation=organisations[org_name],
            ocmw=organisations[ocmw],
            topics=topics,
            defaults={
                "requested_by": users[askers[org_name]],
                "venue": venues[org_name],
                "audience": "residents",
                "preferred_from": today + dt.timedelta(days=30),
                "preferred_until": today + dt.timedelta(days=75),
                "preferred_moments": "dinsdagvoormiddag",
                "expected_people": people,
                "note": note,
                "status": status,
                "session": sessions[planned] if planned else None,
                "decline_reason": reason,
                "decided_by": users[deciders[ocmw]] if decided else None,
                "decided_at": timezone.now() if decided else None,
            },
        )
