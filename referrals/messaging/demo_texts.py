"""The demo's message templates: short, plain, in Dutch, French and English.

Each Dutch text scores 60 or more on Flesch–Douma (tests/referrals/test_messaging.py).
(name, channel, purpose, discreet, {language: (subject, body)})"""

TEMPLATES = [
    (
        "Bel ons even",
        "sms",
        "general",
        True,
        {
            "nl": (
                "",
                "Dag {client}. Wij willen u graag even spreken. Bel ons op {ocmw_phone}. "
                "Groeten, {worker} van {ocmw}.",
            ),
            "fr": (
                "",
                "Bonjour {client}. Nous voulons vous parler. Appelez-nous au "
                "{ocmw_phone}. {worker}, {ocmw}.",
            ),
            "en": (
                "",
                "Hello {client}. We would like to talk to you. Please call us on "
                "{ocmw_phone}. {worker}, {ocmw}.",
            ),
        },
    ),
    (
        "Hulp bij uw waterfactuur",
        "sms",
        "general",
        False,
        {
            "nl": (
                "",
                "Dag {client}. Is uw waterfactuur te hoog? Wij helpen u graag. Het is "
                "gratis. Bel {ocmw_phone} of kom langs bij {ocmw}.",
            ),
            "fr": (
                "",
                "Bonjour {client}. Votre facture d'eau est trop haute ? Nous vous "
                "aidons. C'est gratuit. Appelez le {ocmw_phone}.",
            ),
            "en": (
                "",
                "Hello {client}. Is your water bill too high? We can help. It is free. "
                "Call {ocmw_phone} or visit {ocmw}.",
            ),
        },
    ),
    (
        "Herinnering afspraak",
        "sms",
        "appointment",
        True,
        {
            "nl": (
                "",
                "Dag {client}. U hebt een afspraak bij {ocmw} op {appointment}. "
                "Lukt het niet? Bel dan {ocmw_phone}.",
            ),
            "fr": (
                "",
                "Bonjour {client}. Vous avez rendez-vous au {ocmw} le {appointment}. "
                "Un souci ? Appelez le {ocmw_phone}.",
            ),
            "en": (
                "",
                "Hello {client}. You have an appointment at {ocmw} on {appointment}. "
                "Can you not come? Call {ocmw_phone}.",
            ),
        },
    ),
    (
        "Herinnering LAC",
        "sms",
        "lac_session",
        False,
        {
            "nl": (
                "",
                "Dag {client}. Op {session_date} praat de LAC over uw waterfactuur. "
                "Wij helpen u graag voor die dag. Bel {ocmw_phone}.",
            ),
            "fr": (
                "",
                "Bonjour {client}. Le {session_date}, la CLE parle de votre facture "
                "d'eau. Nous pouvons vous aider avant. Appelez le {ocmw_phone}.",
            ),
            "en": (
                "",
                "Hello {client}. On {session_date} the LAC talks about your water bill. "
                "We can help you before then. Call {ocmw_phone}.",
            ),
        },
    ),
    (
        "Uitnodiging per mail",
        "email",
        "general",
        False,
        {
            "nl": (
                "Wij helpen u graag",
                "Dag {client},\n\nWij zijn {ocmw}. Wij helpen mensen met hun waterfactuur. "
                "Dat is gratis.\n\nBel ons op {ocmw_phone}. Of kom langs. U mag iemand "
                "meebrengen.\n\nMet vriendelijke groet,\n{worker}",
            ),
            "fr": (
                "Nous pouvons vous aider",
                "Bonjour {client},\n\nNous sommes le {ocmw}. Nous aidons les gens avec leur "
                "facture d'eau. C'est gratuit.\n\nAppelez-nous au {ocmw_phone}. Ou passez nous "
                "voir. Vous pouvez venir avec quelqu'un.\n\nBien à vous,\n{worker}",
            ),
            "en": (
                "We are here to help",
                "Hello {client},\n\nWe are {ocmw}. We help people with their water bill. It "
                "is free.\n\nCall us on {ocmw_phone}. Or come by. You may bring someone with "
                "you.\n\nKind regards,\n{worker}",
            ),
        },
    ),
    (
        "Herinnering LAC per mail",
        "email",
        "lac_session",
        False,
        {
            "nl": (
                "Uw waterfactuur: de LAC op {session_date}",
                "Dag {client},\n\nOp {session_date} praat de LAC over uw waterfactuur. De LAC "
                "kan een plan maken om af te betalen. Zij kan ook beslissen om minder water "
                "te geven.\n\nWij helpen u graag voor die dag. Bel {ocmw_phone}.\n\n"
                "Met vriendelijke groet,\n{worker}, {ocmw}",
            ),
            "fr": (
                "Votre facture d'eau : la CLE du {session_date}",
                "Bonjour {client},\n\nLe {session_date}, la CLE parle de votre facture d'eau. "
                "Elle peut faire un plan de paiement. Elle peut aussi limiter l'eau.\n\nNous "
                "pouvons vous aider avant. Appelez le {ocmw_phone}.\n\nBien à vous,\n{worker}, "
                "{ocmw}",
            ),
            "en": (
                "Your water bill: the LAC on {session_date}",
                "Hello {client},\n\nOn {session_date} the LAC talks about your water bill. It "
                "can make a plan to pay in parts. It can also limit your water.\n\nWe can help "
                "you before then. Call {ocmw_phone}.\n\nKind regards,\n{worker}, {ocmw}",
            ),
        },
    ),
]


def seed_message_templates(ocmw) -> None:
    from referrals.messaging.models import MessageTemplate

    for name, channel, purpose, discreet, languages in TEMPLATES:
        for language, (subject, body) in languages.items():
            MessageTemplate.objects.get_or_create(
                ocmw=ocmw,
                channel=channel,
                name=name,
                language=language,
                defaults={
                    "purpose": purpose,
                    "subject": subject,
                    "body": body,
                    "discreet": discreet,
                },
            )
