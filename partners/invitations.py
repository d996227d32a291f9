"""Account actions: inviting people and accepting invitations."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Membership, Team
from partners.permissions import can_manage_members
from partners.services import admit_invited_member
from portal.core import audit
from portal.core.exceptions import ActionRefused
from portal.core.models import Invitation, User
from portal.core.tasks import send_invitation_email


@transaction.atomic
def invite_member(
    team: Team,
    *,
    actor: User,
    email: str,
    full_name: str,
    role: str = Membership.Role.MEMBER,
    base_url: str,
) -> Invitation:
    """Invite someone to ``team``; the e-mail with a single-use link goes out after commit."""
    organisation = team.organisation
    if not can_manage_members(actor, organisation):
        raise PermissionDenied
    email = email.strip().lower()
    # Arrears teams and privacy officers (whose right-of-access export holds the
    # arrears) read arrears: an admin may appoint others, never themselves.
    if email == actor.email.lower() and (team.handles_arrears or role == Membership.Role.PRIVACY):
        raise ActionRefused(
            _("You cannot give yourself access to arrears. Ask another admin of your organisation.")
        )
    if Membership.objects.filter(team=team, user__email__iexact=email).exists():
        raise ActionRefused(_("This person is already a member of this team."))
    if Invitation.objects.pending().filter(team=team, email__iexact=email).exists():
        raise ActionRefused(
            _("An invitation for this person is still open. Revoke it first to send a new one.")
        )
    token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        email=email,
        full_name=full_name.strip(),
        team=team,
        role=role,
        invited_by=actor,
        token_hash=token_hash,
        expires_at=Invitation.default_expiry(),
    )
    audit.record(
        "invitation.sent",
        invitation,
        actor=actor,
        organisation=organisation,
        data={"team": team.pk, "role": role},
    )
    link = base_url.rstrip("/") + reverse("invitation_accept", args=[token])
    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation.pk, link))
    return invitation


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, actor: User) -> None:
    if not can_manage_members(actor, invitation.team.organisation):
        raise PermissionDenied
    if invitation.status != "pending":
        raise ActionRefused(_("This invitation can no longer be revoked."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        "invitation.revoked", invitation, actor=actor, organisation=invitation.team.organisation
    )


def pending_invitation_for_token(token: str) -> Invitation:
    """The invitation behind a link, or ActionRefused saying why it cannot be used."""
    invitation = Invitation.objects.by_token(token).select_related("team__organisation").first()
    if invitation is None or invitation.status == "revoked":
        raise ActionRefused(_("This invitation link is not valid. Ask for a new invitation."))
    if invitation.status == "accepted":
        raise ActionRefused(_("This invitation has already been used. You can log in."))
    if invitation.status == "expired":
        raise ActionRefused(_("This invitation has expired. Ask for a new invitation."))
    return invitation


@transaction.atomic
def accept_invitation(
    token: str, *, password: str | None, full_name: str = "", user: User | None = None
) -> User:
    """Use an invitation once: create the account (or use the logged-in one) and join the team."""
    # Lock the row so two clicks on the same link cannot both succeed.
    invitation = pending_invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != "pending":
        raise ActionRefused(_("This invitation has already been used. You can log in."))
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        if user is None or user.pk != existing.pk:
            raise ActionRefused(
                _("You already have an account. Log in with %(email)s to accept.")
                % {"email": invitation.email}
            )
        account = existing
    else:
        account = User.objects.create_user(
            invitation.email, password, full_name=full_name or invitation.full_name
        )
        # The link reached this address, so it is verified (allauth's MFA requires that).
        EmailAddress.objects.create(user=account, email=account.email, primary=True, verified=True)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = account
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    admit_invited_member(invitation.team, account, role=invitation.role)
    audit.record(
        "invitation.accepted",
        invitation,
        actor=account,
        organisation=invitation.team.organisation,
    )
    return account
