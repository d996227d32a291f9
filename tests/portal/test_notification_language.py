"""Every notification the portal sends reads in its recipient's language: in the app
(Notification.text) and in the e-mail (subject, body and its HTML part).

The services run with English active, the language of neither recipient, so a text
translated at the call site (in the actor's language) cannot pass. The expected texts
are written out here, from portal/locale/{nl,fr}/LC_MESSAGES/django.po.
"""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.html import escape

from partners.grants import rebuild_grants
from partners.models import Membership
from portal.core.models import Notification
from portal.core.notifications import Untranslated, notify
from portal.shell import tokens
from referrals.cases import services as cases
from referrals.outreach import services as outreach
from referrals.referrals import services
from referrals.referrals.models import Referral, ResponsePolicy
from tests.factories import MembershipFactory, UserFactory
from tests.referrals.conftest import client_data
from tests.training import conftest as training_fixtures
from training import services as training
from training.services.shared import local_time

pytestmark = pytest.mark.django_db

# The training tests' fixtures: the cast with venues, sessions and registrations.
world = training_fixtures.world
make_session = training_fixtures.make_session
register = training_fixtures.register

# msgid -> the Dutch and the French text, as in the catalogues.
EXPECTED = {
    "New referral %(ref)s for your team.": {
        "nl": "Nieuwe doorverwijzing %(ref)s voor uw team.",
        "fr": "Nouvelle orientation %(ref)s pour votre équipe.",
    },
    "The OCMW has received referral %(ref)s.": {
        "nl": "Het OCMW heeft doorverwijzing %(ref)s ontvangen.",
        "fr": "Le CPAS a reçu l'orientation %(ref)s.",
    },
    "Referral %(ref)s was assigned to you.": {
        "nl": "Doorverwijzing %(ref)s is aan u toegewezen.",
        "fr": "L'orientation %(ref)s vous a été attribuée.",
    },
    "The OCMW has made contact for referral %(ref)s.": {
        "nl": "Het OCMW heeft contact gelegd voor doorverwijzing %(ref)s.",
        "fr": "Le CPAS a pris contact pour l'orientation %(ref)s.",
    },
    "An appointment is planned for referral %(ref)s.": {
        "nl": "Er is een afspraak gepland voor doorverwijzing %(ref)s.",
        "fr": "Un rendez-vous est fixé pour l'orientation %(ref)s.",
    },
    "New message about referral %(ref)s.": {
        "nl": "Nieuw bericht over doorverwijzing %(ref)s.",
        "fr": "Nouveau message concernant l'orientation %(ref)s.",
    },
    "Referral %(ref)s is closed.": {
        "nl": "Doorverwijzing %(ref)s is afgerond.",
        "fr": "L'orientation %(ref)s est clôturée.",
    },
    # With the reason and the next step (here: not_our_service), in the reader's words.
    "Referral %(ref)s was not taken on. %(why)s %(next_step)s": {
        "nl": "Doorverwijzing %(ref)s is niet aanvaard. Dit OCMW biedt de gevraagde hulp "
        "niet aan. Zoek in de Wegwijzer een organisatie die deze hulp biedt.",
        "fr": "L'orientation %(ref)s n'a pas été acceptée. Ce CPAS n'offre pas l'aide "
        "demandée. Cherchez dans le Répertoire une organisation qui offre cette aide.",
    },
    "Referral %(ref)s was transferred to your team.": {
        "nl": "Doorverwijzing %(ref)s is doorgestuurd naar uw team.",
        "fr": "L'orientation %(ref)s a été transférée à votre équipe.",
    },
    "Referral %(ref)s was passed on to %(ocmw)s.": {
        "nl": "Doorverwijzing %(ref)s is doorgestuurd naar %(ocmw)s.",
        "fr": "L'orientation %(ref)s a été transmise à %(ocmw)s.",
    },
    "Referral %(ref)s was withdrawn.": {
        "nl": "Doorverwijzing %(ref)s is ingetrokken.",
        "fr": "L'orientation %(ref)s a été retirée.",
    },
    "The client withdrew consent for referral %(ref)s. Do not contact them for it.": {
        "nl": "De cliënt heeft de toestemming voor doorverwijzing %(ref)s ingetrokken. "
        "Neem hierover geen contact op met de cliënt.",
        "fr": "Le client a retiré son consentement pour l'orientation %(ref)s. "
        "Ne le contactez pas à ce sujet.",
    },
    "The partner wrote about referral %(ref)s.": {
        "nl": "De partner schreef over doorverwijzing %(ref)s.",
        "fr": "Le partenaire a écrit au sujet de l'orientation %(ref)s.",
    },
    "Reminder: referral %(ref)s is waiting for your team.": {
        "nl": "Herinnering: doorverwijzing %(ref)s wacht op uw team.",
        "fr": "Rappel\u00a0: l'orientation %(ref)s attend votre équipe.",
    },
    "Referral %(ref)s has waited %(days)s working days for your team.": {
        "nl": "Doorverwijzing %(ref)s wacht al %(days)s werkdagen op uw team.",
        "fr": "L'orientation %(ref)s attend votre équipe depuis %(days)s jours ouvrables.",
    },
    "Referral %(ref)s expired: nobody took it on.": {
        "nl": "Doorverwijzing %(ref)s is verlopen: niemand heeft ze aanvaard.",
        "fr": "L'orientation %(ref)s a expiré\u00a0: personne ne l'a prise en charge.",
    },
    "Referral %(ref)s expired: the OCMW did not react in time. Please contact the OCMW.": {
        "nl": "Doorverwijzing %(ref)s is verlopen: het OCMW heeft niet op tijd gereageerd. "
        "Neem contact op met het OCMW.",
        "fr": "L'orientation %(ref)s a expiré\u00a0: le CPAS n'a pas réagi à temps. "
        "Veuillez contacter le CPAS.",
    },
    "%(n)s clients on the LAC session of %(date)s are not reached yet.": {
        "nl": "%(n)s cliënten op de LAC-zitting van %(date)s zijn nog niet bereikt.",
        "fr": "%(n)s clients de la séance LAC du %(date)s ne sont pas encore joints.",
    },
    "%(name)s has not checked out of a home visit that should have ended at %(time)s. Call them.": {
        "nl": "%(name)s heeft nog niet gemeld dat het huisbezoek voorbij is. Het moest om "
        "%(time)s gedaan zijn. Bel hem of haar op.",
        "fr": "%(name)s n'a pas encore signalé la fin d'une visite à domicile qui devait se "
        "terminer à %(time)s. Appelez cette personne.",
    },
    'The information session "%(title)s" has changed: it is now on %(when)s, at %(venue)s.': {
        "nl": 'De infosessie "%(title)s" is gewijzigd: ze is nu op %(when)s, in %(venue)s.',
        "fr": "La séance d'information «\u00a0%(title)s\u00a0» a changé\u00a0: elle a "
        "maintenant lieu le %(when)s, à %(venue)s.",
    },
    'The information session "%(title)s" of %(when)s is cancelled. '
    "Please tell the people you registered.": {
        "nl": 'De infosessie "%(title)s" van %(when)s gaat niet door. Laat het weten aan de '
        "mensen die u hebt ingeschreven.",
        "fr": "La séance d'information «\u00a0%(title)s\u00a0» du %(when)s est annulée. Veuillez "
        "prévenir les personnes que vous avez inscrites.",
    },
    'Places became free at "%(title)s" (%(when)s): people your organisation put on the '
    "waiting list now have a place.": {
        "nl": 'Er zijn plaatsen vrijgekomen voor "%(title)s" (%(when)s). Mensen die uw '
        "organisatie op de wachtlijst zette, hebben nu een plaats.",
        "fr": "Des places se sont libérées pour «\u00a0%(title)s\u00a0» (%(when)s)\u00a0: les "
        "personnes que votre organisation a mises sur liste d'attente ont maintenant une place.",
    },
    'Reminder: "%(title)s" is on %(when)s at %(venue)s. Your organisation has %(confirmed)s '
    "place(s) and %(waiting)s on the waiting list.": {
        "nl": 'Herinnering: "%(title)s" is op %(when)s in %(venue)s. Uw organisatie heeft '
        "%(confirmed)s plaats(en) en %(waiting)s op de wachtlijst.",
        "fr": "Rappel\u00a0: «\u00a0%(title)s\u00a0» a lieu le %(when)s à %(venue)s. Votre "
        "organisation a %(confirmed)s place(s) et %(waiting)s personne(s) sur liste d'attente.",
    },
    "%(organisation)s asks for an information session.": {
        "nl": "%(organisation)s vraagt een infosessie aan.",
        "fr": "%(organisation)s demande une séance d'information.",
    },
    "Your request for an information session is planned: %(when)s.": {
        "nl": "Uw aanvraag voor een infosessie is gepland: %(when)s.",
        "fr": "Votre demande de séance d'information est planifiée\u00a0: %(when)s.",
    },
    "%(ocmw)s cannot plan the information session you asked for. The reason is in the portal.": {
        "nl": "%(ocmw)s kan de infosessie die u vroeg niet plannen. De reden staat in het portaal.",
        "fr": "%(ocmw)s ne peut pas planifier la séance d'information demandée. Le motif se "
        "trouve dans le portail.",
    },
    "An admin of %(organisation)s revoked your API token “%(name)s”.": {
        "nl": "Een beheerder van %(organisation)s heeft uw API-token “%(name)s” ingetrokken.",
        "fr": "Un administrateur de %(organisation)s a révoqué votre jeton API "
        "«\u00a0%(name)s\u00a0».",
    },
}
SUBJECT = {"nl": "Nieuws in het portaal LAC water", "fr": "Du nouveau dans le portail LAC water"}
GREETING = {"nl": "Dag %s,", "fr": "Bonjour %s,"}
MORE = {
    "nl": "Lees meer in het portaal:",
    "fr": "Pour en savoir plus, rendez-vous sur le portail\u00a0:",
}
FOOTER = {
    "nl": "U krijgt deze e-mail omdat u met het portaal LAC water werkt.",
    "fr": "Vous recevez cet e-mail parce que vous travaillez avec le portail LAC water.",
}
OTHER = {"nl": "fr", "fr": "nl"}


def speak(**languages) -> None:
    """``speak(fr=[a, b], nl=[c])``: the language each of these people reads."""
    for language, users in languages.items():
        for user in users:
            user.language = language
            user.save(update_fields=["language"])


def told(outbox, user, kind: str, msgid: str, **params) -> None:
    """``user`` has the notification and its e-mail, both in ``user.language`` only."""
    language = user.language
    text = EXPECTED[msgid][language] % params
    other = EXPECTED[msgid][OTHER[language]] % params
    notes = [n for n in Notification.objects.filter(recipient=user, kind=kind) if n.text == text]
    assert len(notes) == 1, (
        text,
        list(Notification.objects.filter(recipient=user).values_list("kind", "text")),
    )
    note = notes[0]

    (message,) = [m for m in outbox if m.to == [user.email] and text in m.body]
    prefix = f"[{note.reference}] " if note.reference else ""
    assert message.subject == prefix + SUBJECT[language]
    assert message.body.startswith(GREETING[language] % user.get_short_name())
    assert FOOTER[language] in message.body
    assert (MORE[language] in message.body) == bool(note.link)
    assert other not in message.body
    assert SUBJECT[OTHER[language]] not in message.subject

    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert f'<html lang="{language}"' in html
    assert escape(text) in html
    assert escape(FOOTER[language]) in html


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a service as if a person with the English interface did it, and send its mail."""

    class Sent:
        def __enter__(self):
            self.capture = django_capture_on_commit_callbacks(execute=True)
            self.capture.__enter__()
            self.language = translation.override("en")
            self.language.__enter__()

        def __exit__(self, *exc):
            self.language.__exit__(*exc)
            return self.capture.__exit__(*exc)

    return Sent()


def _coordinator(team, language: str):
    """A second coordinator, so a coordinators-only notification has two readers."""
    user = MembershipFactory(
        team=team, role=Membership.Role.COORDINATOR, user=UserFactory(language=language)
    ).user
    rebuild_grants()
    return user


# Referrals ------------------------------------------------------------------------------


def test_a_new_referral_reaches_each_receiver_in_their_own_language(
    cast, make_referral, sent, mailoutbox
):
    speak(fr=[cast.social_worker], nl=[cast.coordinator])
    with sent:
        referral = make_referral()
    for person in (cast.social_worker, cast.coordinator):
        told(mailoutbox, person, "referral.new", "New referral %(ref)s for your team.",
             ref=referral.reference)  # fmt: skip


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_referrer_and_the_assignee_hear_each_step_in_their_language(
    cast, make_referral, sent, mailoutbox, language
):
    speak(**{language: [cast.partner_worker], OTHER[language]: [cast.social_worker]})
    referral = make_referral()
    ref = referral.reference
    with sent:
        r = services.acknowledge_referral(
            referral, actor=cast.social_worker, version=referral.version
        )
    told(mailoutbox, cast.partner_worker, "referral.status",
         "The OCMW has received referral %(ref)s.", ref=ref)  # fmt: skip
    with sent:
        r = services.assign_referral(
            r, actor=cast.coordinator, worker=cast.social_worker, version=r.version
        )
        r = services.record_contact(r, actor=cast.social_worker, version=r.version)
        r = services.plan_appointment(
            r, actor=cast.social_worker, version=r.version,
            at=timezone.now() + timedelta(days=2), place="Loket 3",
        )  # fmt: skip
        services.post_message(r, actor=cast.social_worker, text="Tot dan", visible_to_referrer=True)
        r.refresh_from_db()
        services.close_referral(r, actor=cast.social_worker, version=r.version, outcome="helped")
    told(mailoutbox, cast.social_worker, "referral.assigned",
         "Referral %(ref)s was assigned to you.", ref=ref)  # fmt: skip
    for msgid in [
        "The OCMW has made contact for referral %(ref)s.",
        "An appointment is planned for referral %(ref)s.",
        "New message about referral %(ref)s.",
        "Referral %(ref)s is closed.",
    ]:
        told(mailoutbox, cast.partner_worker, "referral.status", msgid, ref=ref)


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_refusal_and_transfer_in_each_readers_language(
    cast, make_referral, sent, mailoutbox, language
):
    speak(**{language: [cast.partner_worker], OTHER[language]: [cast.onthaal_worker]})
    refused = make_referral()
    moved = make_referral(client=client_data(cast, full_name="Jan Peeters", street="Kerkstraat 9"))
    with sent:
        services.refuse_referral(
            refused, actor=cast.social_worker, version=refused.version, reason="not_our_service"
        )
        services.transfer_referral(
            moved, actor=cast.social_worker, version=moved.version, to_team=cast.teams.onthaal
        )
    told(mailoutbox, cast.partner_worker, "referral.status",
         "Referral %(ref)s was not taken on. %(why)s %(next_step)s",
         ref=refused.reference)  # fmt: skip
    told(mailoutbox, cast.partner_worker, "referral.status",
         "Referral %(ref)s was passed on to %(ocmw)s.", ref=moved.reference,
         ocmw=cast.ocmw.name)  # fmt: skip
    told(mailoutbox, cast.onthaal_worker, "referral.new",
         "Referral %(ref)s was transferred to your team.", ref=moved.reference)  # fmt: skip


def test_the_receivers_hear_of_withdrawal_consent_and_messages_in_their_language(
    cast, make_referral, sent, mailoutbox
):
    speak(fr=[cast.social_worker], nl=[cast.coordinator])
    withdrawn = make_referral()
    consent = make_referral(
        client=client_data(cast, full_name="Jan Peeters", street="Kerkstraat 9")
    )
    written = make_referral(client=client_data(cast, full_name="An Claes", street="Dorp 2"))
    with sent:
        services.withdraw_referral(withdrawn, actor=cast.partner_worker, version=withdrawn.version)
        services.withdraw_consent(consent, actor=cast.partner_worker, version=consent.version)
        services.post_message(
            written, actor=cast.partner_worker, text="Ze belt zelf", visible_to_referrer=True
        )
    for person in (cast.social_worker, cast.coordinator):
        told(mailoutbox, person, "referral.news", "Referral %(ref)s was withdrawn.",
             ref=withdrawn.reference)  # fmt: skip
        told(mailoutbox, person, "referral.news",
             "The client withdrew consent for referral %(ref)s. Do not contact them for it.",
             ref=consent.reference)  # fmt: skip
        told(mailoutbox, person, "referral.news", "The partner wrote about referral %(ref)s.",
             ref=written.reference)  # fmt: skip


def test_reminder_escalation_and_expiry_in_each_readers_language(cast, referral, sent, mailoutbox):
    second = _coordinator(cast.teams.watercel, "fr")
    speak(fr=[cast.social_worker], nl=[cast.coordinator, cast.partner_worker])
    ResponsePolicy.objects.create(
        ocmw=cast.ocmw, remind_after_days=1, escalate_after_days=3, expire_after_days=6
    )
    monday = datetime(2026, 11, 23, 10, tzinfo=timezone.get_current_timezone())
    Referral.objects.filter(pk=referral.pk).update(submitted_at=monday)
    ref = referral.reference
    with sent:
        services.process_deadlines(now=monday + timedelta(days=1))
        services.process_deadlines(now=monday + timedelta(days=3))
        services.process_deadlines(now=monday + timedelta(days=8))
    for person in (cast.social_worker, cast.coordinator, second):
        told(mailoutbox, person, "referral.reminder",
             "Reminder: referral %(ref)s is waiting for your team.", ref=ref)  # fmt: skip
        told(mailoutbox, person, "referral.news",
             "Referral %(ref)s expired: nobody took it on.", ref=ref)  # fmt: skip
    for person in (cast.coordinator, second):
        told(mailoutbox, person, "referral.escalation",
             "Referral %(ref)s has waited %(days)s working days for your team.",
             ref=ref, days=3)  # fmt: skip
    told(mailoutbox, cast.partner_worker, "referral.status",
         "Referral %(ref)s expired: the OCMW did not react in time. Please contact the OCMW.",
         ref=ref)  # fmt: skip


# Arrears and outreach ---------------------------------------------------------------------


@pytest.fixture
def case(cast, referral):
    r = services.acknowledge_referral(referral, actor=cast.social_worker, version=referral.version)
    return cases.open_case_from_referral(r, actor=cast.social_worker)


def test_unreached_clients_before_a_lac_session_in_each_coordinators_language(
    cast, case, sent, mailoutbox
):
    second = _coordinator(cast.teams.watercel, "fr")
    speak(nl=[cast.coordinator])
    session = cases.plan_lac_session(
        cast.ocmw, actor=cast.coordinator, on=timezone.localdate() + timedelta(days=5),
        escalate_days_before=7,
    )  # fmt: skip
    cases.add_to_agenda(session, case, actor=cast.social_worker)
    with sent:
        assert cases.escalate_unreached() == 1
    for person in (cast.coordinator, second):
        told(mailoutbox, person, "lac.unreached",
             "%(n)s clients on the LAC session of %(date)s are not reached yet.",
             n=1, date=session.date.strftime("%d/%m/%Y"))  # fmt: skip


def test_an_overdue_home_visit_alerts_each_colleague_in_their_language(
    cast, case, sent, mailoutbox
):
    second = _coordinator(cast.teams.watercel, "fr")
    speak(nl=[cast.coordinator])
    end = datetime(2026, 11, 27, 14, 40, tzinfo=timezone.get_current_timezone())
    outreach.plan_visit(
        case, actor=cast.social_worker, start=end - timedelta(hours=2), end=end, announced=True
    )
    with sent:
        assert outreach.alert_overdue_visits(now=end + timedelta(hours=1)) == 1
    for person in (cast.coordinator, second):
        told(mailoutbox, person, "visit.overdue",
             "%(name)s has not checked out of a home visit that should have ended at "
             "%(time)s. Call them.", name=cast.social_worker.full_name, time="14:40")  # fmt: skip


# Information sessions ---------------------------------------------------------------------


@pytest.fixture
def readers(world, register):
    """Two people who registered others for a session: one reads French, one Dutch."""
    speak(fr=[world.partner_worker], nl=[world.other_partner_worker])

    def for_session(session, *, status="confirmed"):
        register(session, by=world.partner_worker, status=status)
        register(session, by=world.other_partner_worker, organisation=world.other_partner,
                 status=status)  # fmt: skip
        return (world.partner_worker, world.other_partner_worker)

    return for_session


def test_a_moved_session_in_each_readers_language(world, make_session, readers, sent, mailoutbox):
    session = make_session(title='"Uw waterfactuur lezen"')
    people = readers(session)
    with sent:
        session = training.update_session(
            session, actor=world.coordinator, version=session.version,
            changes={"venue": world.venues.ocmw},
        )  # fmt: skip
    for person in people:
        told(mailoutbox, person, "session.changed",
             'The information session "%(title)s" has changed: it is now on %(when)s, at '
             "%(venue)s.", title=session.title, when=local_time(session.starts_at),
             venue=world.venues.ocmw.name)  # fmt: skip


def test_a_cancelled_session_in_each_readers_language(
    world, make_session, readers, sent, mailoutbox
):
    session = make_session()
    people = readers(session)
    with sent:
        training.cancel_session(session, actor=world.coordinator, reason="Ziek")
    for person in people:
        told(mailoutbox, person, "session.cancelled",
             'The information session "%(title)s" of %(when)s is cancelled. '
             "Please tell the people you registered.", title=session.title,
             when=local_time(session.starts_at))  # fmt: skip


def test_free_places_in_each_readers_language(
    world, make_session, register, readers, sent, mailoutbox
):
    session = make_session(capacity=2)
    first = register(session, by=world.partner_admin, places=2)
    people = readers(session, status="waiting")
    with sent:
        training.cancel_registration(first, actor=world.partner_admin)
    for person in people:
        told(mailoutbox, person, "session.place_free",
             'Places became free at "%(title)s" (%(when)s): people your organisation put on '
             "the waiting list now have a place.", title=session.title,
             when=local_time(session.starts_at))  # fmt: skip


def test_a_session_reminder_in_each_readers_language(
    world, make_session, readers, sent, mailoutbox
):
    session = make_session(starts_in=timedelta(days=1))
    people = readers(session)
    with sent:
        assert training.send_session_reminders() == 2
    venue = session.venue
    for person in people:
        told(mailoutbox, person, "session.reminder",
             'Reminder: "%(title)s" is on %(when)s at %(venue)s. Your organisation has '
             "%(confirmed)s place(s) and %(waiting)s on the waiting list.",
             title=session.title, when=local_time(session.starts_at),
             venue=f"{venue.name} ({venue.address})" if venue.address else venue.name,
             confirmed=1, waiting=0)  # fmt: skip


def _ask(world):
    today = timezone.localdate()
    return training.request_session(
        world.partner, actor=world.partner_worker, ocmw=world.ocmw, venue=world.venues.partner,
        topics=["water_bill"], audience="residents", preferred_from=today + timedelta(days=20),
        preferred_until=today + timedelta(days=50), expected_people=12,
    )  # fmt: skip


def test_a_session_request_reaches_each_planner_in_their_language(world, sent, mailoutbox):
    second = _coordinator(world.teams.watercel, "fr")
    speak(nl=[world.coordinator])
    with sent:
        _ask(world)
    planners = list(Notification.objects.filter(kind="session_request.new"))
    assert {n.recipient for n in planners} >= {world.coordinator, second}
    for note in planners:
        told(mailoutbox, note.recipient, "session_request.new",
             "%(organisation)s asks for an information session.",
             organisation=world.partner.name)  # fmt: skip


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_answer_to_a_session_request_in_the_askers_language(world, sent, mailoutbox, language):
    speak(**{language: [world.partner_worker]})
    planned, declined = _ask(world), _ask(world)
    starts_at = timezone.now().replace(second=0, microsecond=0) + timedelta(days=30)
    with sent:
        session = training.plan_requested_session(
            planned, actor=world.coordinator, title="Uw waterfactuur lezen", topics="water_bill",
            audience="residents", language="nl", organising_team=world.teams.watercel,
            venue=world.venues.partner, starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2), capacity=12, description="Samen lezen.",
        )  # fmt: skip
        training.decline_session_request(declined, actor=world.coordinator, reason="Geen tijd")
    told(mailoutbox, world.partner_worker, "session_request.planned",
         "Your request for an information session is planned: %(when)s.",
         when=local_time(session.starts_at))  # fmt: skip
    told(mailoutbox, world.partner_worker, "session_request.declined",
         "%(ocmw)s cannot plan the information session you asked for. The reason is in the "
         "portal.", ocmw=world.ocmw.name)  # fmt: skip


# API tokens -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_revoked_token_in_the_owners_language(cast, make_token, sent, mailoutbox, language):
    speak(**{language: [cast.social_worker]})
    token, _secret = make_token(cast.social_worker, name="Boekhouding")
    with sent:
        tokens.revoke_token(token, actor=cast.org_admin, organisation=cast.ocmw)
    told(mailoutbox, cast.social_worker, "api_token.revoked",
         "An admin of %(organisation)s revoked your API token “%(name)s”.",
         organisation=cast.ocmw.name, name="Boekhouding")  # fmt: skip


# The API itself ---------------------------------------------------------------------------


def test_a_finished_string_is_refused(cast):
    with translation.override("nl"):
        from django.utils.translation import gettext, gettext_lazy

        finished = gettext("New referral %(ref)s for your team.") % {"ref": "DV-1"}
        rendered_at_once = gettext_lazy("New referral %(ref)s for your team.") % {"ref": "DV-1"}
    for text in (finished, rendered_at_once):
        with pytest.raises(TypeError, match="untranslated"):
            notify([cast.social_worker], kind="t", text=text)
    assert not Notification.objects.exists()
    with pytest.raises(TypeError):
        notify([cast.social_worker], kind="t", text=Untranslated("x"), params={"a": 1})


def test_lazy_params_are_rendered_in_the_readers_language_too(cast):
    from django.utils.translation import gettext_lazy

    speak(fr=[cast.social_worker], nl=[cast.coordinator])
    with translation.override("en"):
        notify(
            [cast.social_worker, cast.coordinator],
            kind="t",
            text=gettext_lazy("Referral %(ref)s is closed."),
            params={"ref": Referral.Status.CLOSED.label},
        )
    texts = dict(Notification.objects.values_list("recipient__language", "text"))
    with translation.override("fr"):
        french = str(Referral.Status.CLOSED.label)
    with translation.override("nl"):
        dutch = str(Referral.Status.CLOSED.label)
    assert french != dutch
    assert texts == {
        "fr": EXPECTED["Referral %(ref)s is closed."]["fr"] % {"ref": french},
        "nl": EXPECTED["Referral %(ref)s is closed."]["nl"] % {"ref": dutch},
    }
