"""The one way a view calls a service: run it, show a refusal, say what was done.

Services raise ``ActionRefused`` with a translated message when the state of
things forbids an action. A view shows that message where the person looks: on
the form they filled in, or as a message above the page they are sent back to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages

from portal.core.exceptions import ActionRefused


@dataclass(frozen=True)
class Outcome:
    """What a service call gave: ``value`` when it was done; false when it was refused."""

    done: bool
    value: Any = None

    def __bool__(self) -> bool:
        return self.done


def act(
    request,
    call: Callable[[], Any],
    *,
    success: str | Callable[[Any], str] | None = None,
    form=None,
) -> Outcome:
    """Run ``call``; on a refusal put its message on ``form`` (or in the messages).

    ``success`` is the message for when it was done: a text, or a function of
    what the service returned (for a message that names it).
    """
    try:
        value = call()
    except ActionRefused as refusal:
        if form is not None:
            form.add_error(None, refusal.message)
        else:
            messages.error(request, refusal.message)
        return Outcome(False)
    if success is not None:
        messages.success(request, success(value) if callable(success) else success)
    return Outcome(True, value)
