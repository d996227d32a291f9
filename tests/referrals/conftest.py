from referrals.referrals.models import Consent


def client_data(cast, **changes):
    data = {
        "full_name": "Maria Janssens",
        "street": "Stationsstraat 1",
        "postcode": cast.postcode,
        "phone": "0470 12 34 56",
        "email": "",
        "language": "nl",
        "interpreter_needed": False,
        "preferred_channel": "phone",
        "preferred_times": "voormiddag",
        "voicemail_allowed": False,
        "closed_envelope": True,
        "trusted_person": "",
    }
    data.update(changes)
    return data


def referral_data(**changes):
    data = {
        "reason": "water",
        "description": "Heeft een brief van de watermaatschappij gekregen.",
        "lac_letter_received": True,
        "lac_session_date": None,
        "supply_limited": False,
        "offers_to_accompany": True,
        "accompany_availability": "dinsdagnamiddag",
        "contact_via": "direct",
    }
    data.update(changes)
    return data


CONSENT = {
    "share_details": True,
    "ocmw_may_contact": True,
    "feedback": Consent.Feedback.STATUS,
    "method": Consent.Method.SPOKEN,
    "given_by": "Maria Janssens",
}
