"""API tokens seen from an organisation: its admins list and revoke their members' tokens.

Making and checking tokens is the kernel's (``portal.core.tokens``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Organisation
from partners.permissions import can_manage_members
from partners.principal import is_member_of_organisation, members_of_organisation
from portal.core import audit
from portal.core.exceptions import ActionRefused
from portal.core.models import ApiToken, User
from portal.core.notifications import notify
from portal.core.tokens import create_token  # noqa: F401  (one module for the token pages)


def can_revoke_token(user, token: ApiToken, organisation: Organisation | None = None) -> bool:
    """The owner, or an admin of ``organisation`` when the owner is one of its members."""
    if not user.is_authenticated:
        return False
    if token.user_id == user.pk:
        return True
    return (
        organisation is not None
        and can_manage_members(user, organisation)
        and is_member_of_organisation(token.user_id, organisation.pk)
    )


@transaction.atomic
def revoke_token(
    token: ApiToken, *, actor: User, organisation: Organisation | None = None
) -> ApiToken:
    """Stop a token from working, at once. An admin revoking a member's token tells them."""
    if not can_revoke_token(actor, token, organisation):
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        raise ActionRefused(_("This token was already revoked."))
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    by_admin = token.user_id != actor.pk
    audit.record(
        "api_token.revoked",
        token,
        actor=actor,
        organisation=organisation if by_admin else None,
        data={"owner": token.user_id},
    )
    if by_admin:
        notify(
            [token.user],
            kind="api_token.revoked",
            text=gettext_lazy("An admin of %(organisation)s revoked your API token “%(name)s”."),
            params={"organisation": organisation.name, "name": token.name},
        )
    return token


def tokens_of_members(organisation: Organisation):
    """Tokens of the organisation's members, newest first (for its admins)."""
    members = members_of_organisation(organisation.pk)
    return ApiToken.objects.filter(user_id__in=members).select_related("user", "revoked_by")
