"""Demo referrals in every state, made through the services like real ones."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from partners.models import Postcode, Team
from portal.models import User
from referrals import services
from referrals.models import Consent, Referral

CONSENT = {
    "share_details": True,
    "ocmw_may_contact": True,
    "feedback": Consent.Feedback.STATUS,
    "method": Consent.Method.SPOKEN,
}

# (client name, street, postcode, referrer e-mail, reason, steps to take)
REFERRALS = [
    ("Fatima Amrani", "Kerkstraat 14", "9300", "partner@example.org", "water", []),
    ("Jan Peeters", "Molenstraat 3", "9300", "partner@example.org", "water", ["acknowledge"]),
    (
        "Rita Claes",
        "Nieuwstraat 88",
        "9300",
        "kruidenier@example.org",
        "energy",
        ["acknowledge", "assign", "record_contact"],
    ),
    (
        "Ahmed Benali",
        "Stationsplein 2",
        "9300",
        "partner@example.org",
        "water",
        ["acknowledge", "assign", "record_contact", "plan_appointment"],
    ),
    (
        "Lies Wouters",
        "Vijverstraat 5",
        "9300",
        "partner@example.org",
        "water",
        ["acknowledge", "assign", "record_contact", "close"],
    ),
    ("Kevin De Smet", "Dorp 21", "9300", "opbouwwerker@example.org", "other", ["refuse"]),
    ("Sofie Maes", "Lindenlaan 9", "9300", "partner@example.org", "water", ["withdraw"]),
    ("Marc Goossens", "Beekstraat 40", "9300", "kruidenier@example.org", "water", ["expire"]),
    ("Nadia Yilmaz", "Markt 1", "9200", "welzijnsschakel@example.org", "water", []),
    ("Tom Verbeke", "Ringlaan 12", "9300", "partner@example.org", "water", ["draft"]),
]


def seed(stdout) -> None:
    """Create the demo referrals once, then a coming LAC session per demo OCMW
    with the water company's list imported; a second run changes nothing."""
    if not Referral.objects.filter(client__full_name="Fatima Amrani").exists():
        for name, street, code, email, reason, steps in REFERRALS:
            _make(name, street, code, email, reason, steps)
        stdout.write(f"  {len(REFERRALS)} demo referrals\n")
    for ocmw_name, filename, coordinator in LAC_LISTS:
        _lac_session(ocmw_name, filename, coordinator, stdout)


LAC_LISTS = [
    ("OCMW Aalst", "lac-list-aalst.csv", "coordinator@example.org"),
    ("Sociaal Huis Dendermonde", "lac-list-dendermonde.csv", "coordinator.dendermonde@example.org"),
]


def _lac_session(ocmw_name: str, filename: str, email: str, stdout) -> None:
    from pathlib import Path

    from partners.models import Organisation
    from referrals import cases, lac_import
    from referrals.models import LacSession

    ocmw = Organisation.objects.get(name=ocmw_name)
    actor = User.objects.get(email=email)
    if LacSession.objects.filter(ocmw=ocmw, imports__status="imported").exists():
        return
    session = LacSession.objects.filter(ocmw=ocmw, status="planned").first()
    if session is None:
        session = cases.plan_lac_session(
            ocmw, actor=actor, on=timezone.localdate() + timedelta(days=12)
        )
    raw = (Path(__file__).parent / "data" / filename).read_bytes()
    upload, _plan = lac_import.start_import(
        ocmw=ocmw, session=session, actor=actor, filename=filename, raw=raw
    )
    summary = lac_import.apply(upload, actor=actor)
    stdout.write(f"  LAC list {filename}: {summary}\n")


def _make(name, street, code, email, reason, steps) -> Referral:
    actor = User.objects.get(email=email)
    team = Team.objects.filter(memberships__user=actor, submits_referrals=True).first()
    postcode = Postcode.objects.filter(code=code).order_by("pk").first()
    draft = steps == ["draft"]
    referral = services.create_referral(
        actor=actor,
        team=team,
        client={
            "full_name": name,
            "street": street,
            "postcode": postcode,
            "phone": "0470 00 00 00",
            "preferred_channel": "phone",
            "closed_envelope": name.startswith("R"),
        },
        referral={
            "reason": reason,
            "description": "Vraagt hulp bij het lezen van de brieven van de watermaatschappij.",
            "lac_letter_received": reason == "water",
            "supply_limited": name.startswith("A"),
            "offers_to_accompany": True,
            "accompany_availability": "dinsdag- en donderdagnamiddag",
        },
        consent=None if draft else {**CONSENT, "given_by": name},
        submit=not draft,
    )
    ocmw_worker = User.objects.filter(
        memberships__team=referral.receiving_team, memberships__role="member"
    ).first()
    coordinator = User.objects.filter(
        memberships__team=referral.receiving_team, memberships__role="coordinator"
    ).first()
    worker = ocmw_worker or coordinator
    for step in steps:
        referral.refresh_from_db()
        v = referral.version
        if step == "acknowledge":
            services.acknowledge_referral(referral, actor=worker, version=v)
        elif step == "assign":
            services.assign_referral(
                referral, actor=coordinator or worker, worker=worker, version=v
            )
        elif step == "record_contact":
            services.record_contact(
                referral, actor=worker, version=v, message="Telefonisch bereikt.", share=True
            )
        elif step == "plan_appointment":
            services.plan_appointment(
                referral,
                actor=worker,
                version=v,
                at=timezone.now() + timedelta(days=5),
                place="Sociaal Huis, loket 3",
                message="Afspraak op het Sociaal Huis.",
            )
        elif step == "close":
            services.close_referral(referral, actor=worker, version=v, outcome="helped")
        elif step == "refuse":
            services.refuse_referral(referral, actor=worker, version=v, reason="already_known")
        elif step == "withdraw":
            services.withdraw_referral(referral, actor=actor, version=v)
        elif step == "expire":
            Referral.objects.filter(pk=referral.pk).update(
                submitted_at=timezone.now() - timedelta(days=30)
            )
            services.process_deadlines()
    return referral
