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
    """Create the demo referrals once; a second run changes nothing."""
    if Referral.objects.filter(client__full_name="Fatima Amrani").exists():
        return
    for name, street, code, email, reason, steps in REFERRALS:
        _make(name, street, code, email, reason, steps)
    stdout.write(f"  {len(REFERRALS)} demo referrals")


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
            services.assign_referral(referral, actor=coordinator or worker, worker=worker,
                                     version=v)  # fmt: skip
        elif step == "record_contact":
            services.record_contact(referral, actor=worker, version=v,
                                    message="Telefonisch bereikt.", share=True)  # fmt: skip
        elif step == "plan_appointment":
            services.plan_appointment(
                referral, actor=worker, version=v,
                at=timezone.now() + timedelta(days=5), place="Sociaal Huis, loket 3",
                message="Afspraak op het Sociaal Huis.",
            )  # fmt: skip
        elif step == "close":
            services.close_referral(referral, actor=worker, version=v, outcome="helped")
        elif step == "refuse":
            services.refuse_referral(referral, actor=worker, version=v,
                                     reason="already_known")  # fmt: skip
        elif step == "withdraw":
            services.withdraw_referral(referral, actor=actor, version=v)
        elif step == "expire":
            Referral.objects.filter(pk=referral.pk).update(
                submitted_at=timezone.now() - timedelta(days=30)
            )
            services.process_deadlines()
    return referral
