"""Background work of the portal (run at once on the embedded default)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from portal.models import Invitation


@task
def send_invitation_email(invitation_id: int, link: str) -> None:
    invitation = Invitation.objects.select_related("team__organisation", "invited_by").get(
        pk=invitation_id
    )
    # The invitee has no language preference yet: Dutch, the portal's default.
    with translation.override(settings.LANGUAGE_CODE):
        context = {"invitation": invitation, "link": link}
        subject = render_to_string("portal/email/invitation_subject.txt", context).strip()
        body = render_to_string("portal/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])
