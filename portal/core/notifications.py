"""Telling people something happened: an in-app notification plus an e-mail.

Callers pass text that is safe to show anyone the notification reaches: a
reference and a link, never arrears or other financial data, and as little
personal data as possible (no client names in e-mail subjects).

The text is rendered once per recipient, in the recipient's language, so callers
pass it untranslated: a lazy message and its parameters, never a finished string::

    notify(
        team_members,
        kind="referral.new",
        text=gettext_lazy("New referral %(ref)s for your team."),
        params={"ref": referral.reference},
    )

Parameter values may be lazy too (``Referral.Status(x).label``); they are rendered in
the recipient's language as well. ``gettext(...) % {...}`` (or ``gettext_lazy(...) %
{...}``, which renders at once) gives a plain ``str`` in the language of whoever
triggered the change, and :func:`notify` refuses it. Text that reads the same in every
language is passed as :class:`Untranslated`, which says so where it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise

from portal.core.models import Notification, User
from portal.core.tasks import enqueue, send_notification_emails

MAX_TEXT = 300  # Notification.text


@dataclass(frozen=True)
class Untranslated:
    """Notification text that is the same in every language (a marker in a test, a
    name): says out loud that it is not translated, where a plain ``str`` is refused."""

    text: str


def _renderer(text, params: Mapping[str, Any] | None) -> Callable[[], str]:
    """Checks ``text`` once (before anything is written) and returns how to render it."""
    if isinstance(text, Untranslated):
        if params:
            raise TypeError("notify(): Untranslated text takes no params.")
        return lambda: text.text
    if not isinstance(text, Promise):
        raise TypeError(
            "notify() renders the text in each recipient's language, so it needs it "
            "untranslated: text=gettext_lazy('… %(ref)s …'), params={'ref': …}. "
            f"Got {type(text).__name__} {str(text)[:60]!r} (translated already?). "
            "Text that is the same in every language: text=Untranslated('…')."
        )
    if not params:
        return lambda: str(text)
    params = dict(params)

    def render() -> str:
        values = {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}
        # A lazy message's ``%`` translates it now, in the language that is active; a
        # lazy plural (ngettext_lazy) picks its number from ``values``.
        return text % values

    return render


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    text: Promise | Untranslated,
    params: Mapping[str, Any] | None = None,
    link: str = "",
    reference: str = "",
) -> list[Notification]:
    """Create one notification per recipient, with ``text % params`` rendered in that
    recipient's language, and send the e-mails after the surrounding transaction
    commits. Raises ``TypeError`` for a plain ``str`` (see the module's docstring)."""
    render = _renderer(text, params)
    users = {user.pk: user for user in recipients if user.is_active}
    notifications = []
    for user in users.values():
        with translation.override(user.language):
            rendered = render()
        notifications.append(
            Notification(
                recipient=user, kind=kind, text=rendered[:MAX_TEXT], link=link, reference=reference
            )
        )
    created = Notification.objects.bulk_create(notifications)
    ids = [n.pk for n in created if n.pk is not None]
    if ids:
        enqueue(send_notification_emails, ids)
    return created
