"""The one way a view calls a service, shows its refusal and says it is done.

Services raise ``ActionRefused`` with a translated message when the state of
things forbids an action. A view shows that message where the person looks: on
the form they filled in (``form_refusal``), or as a message on the page they are
sent to (``message_refusal``). Either way the view carries on after the block:

    with message_refusal(request):
        services.publish_session(session, actor=request.user)
        messages.success(request, _("The session is published."))
    return redirect("session_detail", pk=session.pk)

The success message is written in the block, so it is said only when the service
did what was asked, and in the language of the person reading it. ``done`` says it
and sends the person on in one step:

    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            services.update_venue(venue, actor=request.user, **form.edit())
            return done(request, _("The venue was saved."), "venue_list")
    return render(request, "training/venue_form.html", {"form": form})
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect

from portal.core.exceptions import ActionRefused, StaleVersion


@contextmanager
def message_refusal(request) -> Iterator[None]:
    """Run the block; if a service refuses, say why in the messages and go on after it."""
    try:
        yield
    except ActionRefused as refusal:
        messages.error(request, refusal.message)


@contextmanager
def form_refusal(form) -> Iterator[None]:
    """Run the block; if a service refuses, say why on ``form`` and go on after it."""
    try:
        yield
    except ActionRefused as refusal:
        form.add_error(None, refusal.message)
        if isinstance(refusal, StaleVersion) and hasattr(form, "show_saved_meanwhile"):
            form.show_saved_meanwhile()


def done(request, message: str, to: str, *args, **kwargs) -> HttpResponseRedirect:
    """Tell the person ``message`` and send them to ``to`` (anything ``redirect`` takes)."""
    messages.success(request, message)
    return redirect(to, *args, **kwargs)
