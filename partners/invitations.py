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
from portal.core.tasks import enqueue, seal_link, send_invitation_email

# Gmail delivers j.a.n+x@googlemail.com to jan@gmail.com.
GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def mailbox(email: str) -> str:
    """The mailbox an address delivers to: lower case, without a ``+tag`` in the local
    part, and for Gmail without dots and with one domain."""
    local, _at, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def reaches_user(email: str, user: User) -> bool:
    """Whether mail to ``email`` lands with ``user``: the same mailbox as the account's
    address or one of its other (allauth) addresses, verified or not."""
    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    target = mailbox(email)
    return any(mailbox(address) == target for address in addresses)


def _reads_arrears(team: Team, role: str) -> bool:
    # Arrears teams and privacy officers (whose right-of-access export holds the
    # arrears) read arrears: an admin may appoint others, never themselves.
    return team.handles_arrears or role == Membership.Role.PRIVACY


def _self_appointment_refused() -> ActionRefused:
    return ActionRefused(
        _("You cannot give yourself access to arrears. Ask another admin of your organisation.")
    )


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
    """Invite someone to ``team``; the e-mail with a single-use link goes out after commit.

    An admin never gives themselves access to arrears (an arrears team, or the privacy
    officer's role): the invitation is refused when its address reaches the inviter,
    that is, when it is the same mailbox (see ``mailbox``: case-insensitive, a ``+tag``
    ignored, for Gmail also the dots) as the inviter's address or as any other address
    of the inviter's account. ``accept_invitation`` checks the same again.
    """
    organisation = team.organisation
    if not can_manage_members(actor, organisation):
        raise PermissionDenied
    email = email.strip().lower()
    if _reads_arrears(team, role) and reaches_user(email, actor):
        raise _self_appointment_refused()
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
    enqueue(send_invitation_email, invitation.pk, seal_link(link))
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
    """Use an invitation once: create the account (or use the logged-in one) and join the team.

    Into arrears, refused when the account is the inviter's or the address reaches the
    inviter: for invitations sent before ``invite_member`` knew aliases, and for teams
    that were given arrears after the invitation went out.
    """
    # Lock the row so two clicks on the same link cannot both succeed.
    invitation = pending_invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != "pending":
        raise ActionRefused(_("This invitation has already been used. You can log in."))
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None and (user is None or user.pk != existing.pk):
        raise ActionRefused(
            _("You already have an account. Log in with %(email)s to accept.")
            % {"email": invitation.email}
        )
    inviter = invitation.invited_by
    if _reads_arrears(invitation.team, invitation.role) and (
        (user is not None and user.pk == inviter.pk) or reaches_user(invitation.email, inviter)
    ):
        raise _self_appointment_refused()
    if existing is not None:
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
