"""Demo referrals in every state, made through the services like real ones."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from partners.models import Postcode, Team
from portal.core.models import User
from referrals.referrals import services
from referrals.referrals.models import Consent, Referral

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
    seed_outreach(stdout)


LAC_LISTS = [
    ("OCMW Aalst", "lac-list-aalst.csv", "coordinator@example.org"),
    ("Sociaal Huis Dendermonde", "lac-list-dendermonde.csv", "coordinator.dendermonde@example.org"),
]


def _lac_session(ocmw_name: str, filename: str, email: str, stdout) -> None:
    from pathlib import Path

    from partners.models import Organisation
    from referrals.cases import lac_import
    from referrals.cases import services as cases
    from referrals.cases.models import LacSession

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


LETTER = (
    "Beste {client},\n\n"
    "Wij maken ons zorgen over uw waterfactuur. Wij willen u graag helpen.\n\n"
    "Kom langs op {appointment}. Of bel ons: {ocmw_phone}.\n"
    "U mag iemand meebrengen die u vertrouwt.\n\n"
    "Met vriendelijke groet,\n{ocmw}"
)
CARD = (
    "Dag {client},\n"
    "Wij willen u graag even spreken over uw water.\n"
    "Bel ons op {ocmw_phone} of kom langs: {ocmw_address}.\n"
    "{ocmw}"
)
# channel: (share of attempts, chance the client is reached)
CHANNELS = {
    "letter": (0.22, 0.08),
    "phone": (0.25, 0.32),
    "sms": (0.10, 0.18),
    "card_handwritten": (0.08, 0.27),
    "card_printed": (0.07, 0.12),
    "visit_announced": (0.08, 0.45),
    "visit_unannounced": (0.07, 0.38),
    "appointment_offered": (0.05, 0.30),
    "via_partner": (0.08, 0.55),
}


def seed_outreach(stdout) -> None:
    """Letter templates, and several months of attempts so the what-works report
    shows something true to look at. Deterministic; once per OCMW."""
    import random

    from partners.models import Organisation
    from referrals.cases.models import Case
    from referrals.messaging.demo_texts import seed_message_templates
    from referrals.outreach.models import ContactAttempt, LetterTemplate
    from referrals.outreach.services import rebuild_attempt_tallies

    for ocmw in Organisation.objects.filter(kind="ocmw"):
        LetterTemplate.objects.get_or_create(
            ocmw=ocmw,
            name="Uitnodiging (brief)",
            defaults={"kind": "letter", "body": LETTER, "with_logo": True},
        )
        LetterTemplate.objects.get_or_create(
            ocmw=ocmw,
            name="Kaartje zonder logo",
            defaults={"kind": "card", "body": CARD, "with_logo": False},
        )
        seed_message_templates(ocmw)
        if ContactAttempt.objects.filter(ocmw=ocmw).exists():
            continue
        rng = random.Random(f"demo-{ocmw.name}")  # noqa: S311 - demo data
        worker = User.objects.filter(
            memberships__team__organisation=ocmw, memberships__team__handles_arrears=True
        ).first()
        partner = Organisation.objects.filter(
            agreements_as_partner__ocmw=ocmw, agreements_as_partner__ended_at__isnull=True
        ).first()
        attempts = []
        now = timezone.now()
        channels = list(CHANNELS)
        weights = [CHANNELS[c][0] for c in channels]
        for case in Case.objects.filter(ocmw=ocmw).select_related("client"):
            for _ in range(rng.randint(3, 9)):
                channel = rng.choices(channels, weights)[0]
                moment = now - timedelta(days=rng.randint(1, 180), hours=rng.randint(0, 9))
                moment = moment.replace(hour=rng.choice([9, 10, 11, 14, 15, 16, 18, 19]))
                reached = rng.random() < CHANNELS[channel][1]
                paper = channel in ContactAttempt.PAPER
                attempts.append(
                    ContactAttempt(
                        case=case,
                        ocmw=ocmw,
                        channel=channel,
                        worker=worker,
                        moment=moment,
                        outcome="reached"
                        if reached
                        else (
                            "delivered"
                            if paper
                            else rng.choice(["no_answer", "no_answer", "wrong_number"])
                        ),
                        with_logo=rng.random() < 0.5 if paper else None,
                        in_envelope=True if paper and channel != "card_handwritten" else None,
                        mentions_cutoff=rng.random() < 0.4 if paper else None,
                        partner=partner if channel == "via_partner" else None,
                    )
                )
        ContactAttempt.objects.bulk_create(attempts)
        rebuild_attempt_tallies([ocmw])
        stdout.write(f"  {len(attempts)} demo contact attempts for {ocmw.name}\n")
