"""E-mails: the plain text exactly as written (not HTML-escaped), the HTML alternative
escaped exactly once, from the same template."""

import pytest
from django.utils import timezone

from partners import invitations
from portal.core.mail import render_email
from portal.core.models import Notification
from portal.core.notifications import Untranslated, notify
from tests.mail_server import SmtpServer
from tests.training import conftest as training_fixtures
from training import services as training
from training.services.shared import local_time

pytestmark = pytest.mark.django_db

world = training_fixtures.world
make_session = training_fixtures.make_session
register = training_fixtures.register

NAME = "Jonas D'Hondt <b>"
ESCAPED_NAME = "D&#x27;Hondt &lt;b&gt;"
TITLE = "Uw waterfactuur lezen"
ESCAPES = ("&#x27;", "&#39;", "&lt;", "&gt;", "&quot;", "&amp;")


def _html(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


def _never_escaped(text: str) -> None:
    for entity in ESCAPES:
        assert entity not in text, entity


def _escaped_once(html: str) -> None:
    for twice in ("&amp;#x27;", "&amp;lt;", "&amp;gt;", "&amp;quot;", "&amp;amp;"):
        assert twice not in html, twice


def test_the_invitation_names_the_invitee_literally_and_escapes_the_html_once(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    cast.org_admin.full_name = 'Els "Baas" Smet'
    cast.org_admin.save(update_fields=["full_name"])
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite_member(
            cast.teams.onthaal,
            actor=cast.org_admin,
            email="jonas@example.org",
            full_name=NAME,
            base_url="http://testserver",
        )
    (message,) = mailoutbox
    assert message.subject == "Uitnodiging voor het portaal LAC water van OCMW Aalst"
    assert message.body.startswith("Dag Jonas D'Hondt <b>,\n")
    assert 'Els "Baas" Smet nodigt u uit' in message.body
    _never_escaped(message.body)
    assert message.extra_headers["Message-ID"].startswith("<invitation-")

    html = _html(message)
    assert f"Dag Jonas {ESCAPED_NAME}," in html
    assert "Els &quot;Baas&quot; Smet" in html
    assert "<b>" not in html
    _escaped_once(html)
    assert '<html lang="nl"' in html
    assert '<a href="http://testserver/invitations/' in html  # the link is a link
    assert "<p>" in html  # paragraphs, not one block
    assert "http" not in html.split("<body", 1)[0].replace("http-equiv", "")  # nothing loaded


@pytest.mark.parametrize(
    ("language", "text", "escaped"),
    [
        ("nl", f'De infosessie "{TITLE}" is gewijzigd', f"De infosessie &quot;{TITLE}&quot;"),
        (
            "fr",
            f"La séance d'information «\u00a0{TITLE}\u00a0» a changé",
            f"La séance d&#x27;information «\u00a0{TITLE}\u00a0»",
        ),
    ],
)
def test_a_notification_keeps_quotes_and_apostrophes_in_the_text_part(
    world, make_session, register, mailoutbox, django_capture_on_commit_callbacks,
    language, text, escaped,
):  # fmt: skip
    world.partner_worker.full_name = NAME
    world.partner_worker.language = language
    world.partner_worker.save(update_fields=["full_name", "language"])
    session = make_session(title=TITLE)
    register(session, by=world.partner_worker)
    with django_capture_on_commit_callbacks(execute=True):
        session = training.update_session(
            session, actor=world.coordinator, version=session.version,
            changes={"venue": world.venues.ocmw},
        )  # fmt: skip
    (message,) = mailoutbox
    assert text in message.body
    assert local_time(session.starts_at) in message.body
    _never_escaped(message.body)
    html = _html(message)
    assert escaped in html
    assert f'"{TITLE}"' not in html
    _escaped_once(html)
    assert f'<html lang="{language}"' in html


def test_the_subject_is_one_line_and_literal(cast):
    note = Notification.objects.create(
        recipient=cast.social_worker, kind="t", text="x", reference="D'H <1>"
    )
    rendered = render_email(
        subject_template="portal/email/notification_subject.txt",
        body_template="portal/email/notification_body.txt",
        context={"notification": note, "base_url": "http://127.0.0.1:8000"},
        language="nl",
    )
    assert rendered.subject == "[D'H <1>] Nieuws in het portaal LAC water"
    assert "&lt;1&gt;" in rendered.html.split("<title>")[1].split("</title>")[0]


def test_a_link_with_a_query_is_escaped_once_in_the_html(cast):
    note = Notification.objects.create(
        recipient=cast.social_worker, kind="t", text="x", link="/training/?a=1&b=2"
    )
    rendered = render_email(
        subject_template="portal/email/notification_subject.txt",
        body_template="portal/email/notification_body.txt",
        context={"notification": note, "base_url": "http://127.0.0.1:8000"},
        language="fr",
    )
    assert "http://127.0.0.1:8000/training/?a=1&b=2" in rendered.text
    assert 'href="http://127.0.0.1:8000/training/?a=1&amp;b=2"' in rendered.html
    _escaped_once(rendered.html)


# Through a real mail server -------------------------------------------------------------


@pytest.fixture
def smtp_server():
    with SmtpServer() as server:
        yield server


def test_the_text_part_arrives_literal_through_smtp(
    cast, settings, smtp_server, django_capture_on_commit_callbacks
):
    settings.MAILERS = smtp_server.mailers_setting()
    cast.social_worker.full_name = "D'Hondt <b> Jonas"  # the greeting uses the first word
    cast.social_worker.save(update_fields=["full_name"])
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = notify(
            [cast.social_worker],
            kind="test",
            text=Untranslated(f'"{TITLE}" voor {NAME} & co'),
            link="/x/",
            reference="IS-000001",
        )
    note.refresh_from_db()
    assert note.emailed_at is not None
    assert note.emailed_at <= timezone.now()
    (message,) = smtp_server.messages()
    assert message["Message-ID"] == f"<notification-{note.pk}@127.0.0.1>"
    assert message["Subject"] == "[IS-000001] Nieuws in het portaal LAC water"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert text.startswith("Dag D'Hondt,")
    assert f'"{TITLE}" voor {NAME} & co' in text
    _never_escaped(text)
    assert "Dag D&#x27;Hondt," in html
    assert f"&quot;{TITLE}&quot; voor Jonas {ESCAPED_NAME} &amp; co" in html
    assert "<b>" not in html
    _escaped_once(html)
