"""Personal access tokens for the API: making, checking and revoking them.

A token belongs to one person and acts as that person, so it sees exactly what
they see (the same visibility rules as the pages). Only a SHA-256 hash of the
secret is stored; the secret is shown once. A read-only token may only read.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Membership, Organisation
from partners.permissions import can_manage_members
from portal import audit
from portal.exceptions import ActionRefused
from portal.models import ApiToken, User
from portal.notifications import notify

logger = logging.getLogger("portal.api")

MAX_DAYS = 365
MAX_ACTIVE_PER_PERSON = 20
# Writing last_used_at on every request would cost a write per API call.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenRefused(Exception):
    """The token in a request cannot be used; the message says why (shown to the caller)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


INVALID = gettext_lazy("This API token is not valid. Check that you copied all of it.")


@transaction.atomic
def create_token(
    *, actor: User, name: str, scope: str, expires_at: datetime
) -> tuple[ApiToken, str]:
    """Make a token for ``actor``. Returns the token and its secret, which is never stored."""
    now = timezone.now()
    if scope not in ApiToken.Scope.values:
        raise ActionRefused(_("Choose whether the token may only read or also change data."))
    if expires_at <= now:
        raise ActionRefused(_("The end date must be in the future."))
    if expires_at > now + timedelta(days=MAX_DAYS + 1):
        raise ActionRefused(_("A token can be valid for one year at most."))
    if ApiToken.objects.active().filter(user=actor).count() >= MAX_ACTIVE_PER_PERSON:
        raise ActionRefused(
            _("You have %(count)s active tokens. Revoke one you no longer use first.")
            % {"count": MAX_ACTIVE_PER_PERSON}
        )
    secret, prefix, token_hash = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip(),
        prefix=prefix,
        token_hash=token_hash,
        scope=scope,
        expires_at=expires_at,
    )
    audit.record(
        "api_token.created",
        token,
        actor=actor,
        data={"scope": scope, "expires_at": expires_at.isoformat()},
    )
    return token, secret


def can_revoke_token(user, token: ApiToken, organisation: Organisation | None = None) -> bool:
    """The owner, or an admin of ``organisation`` when the owner is one of its members."""
    if not user.is_authenticated:
        return False
    if token.user_id == user.pk:
        return True
    return (
        organisation is not None
        and can_manage_members(user, organisation)
        and Membership.objects.filter(
            user_id=token.user_id, team__organisation=organisation
        ).exists()
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
            # Lazy, so each person reads it in their own language.
            text=lazy(
                lambda: (
                    _("An admin of %(organisation)s revoked your API token “%(name)s”.")
                    % {"organisation": organisation.name, "name": token.name}
                ),
                str,
            )(),
        )
    return token


def tokens_of_members(organisation: Organisation):
    """Tokens of the organisation's members, newest first (for its admins)."""
    members = Membership.objects.filter(team__organisation=organisation).values("user_id")
    return ApiToken.objects.filter(user_id__in=members).select_related("user", "revoked_by")


def authenticate(secret: str) -> ApiToken:
    """The token behind ``secret``, or TokenRefused. Notes when it was last used."""
    token = ApiToken.objects.by_secret(secret).select_related("user").first()
    if token is None:
        raise TokenRefused(INVALID)
    if token.revoked_at is not None:
        raise TokenRefused(_("This API token was revoked. Make a new one in your profile."))
    now = timezone.now()
    if token.expires_at <= now:
        raise TokenRefused(_("This API token has expired. Make a new one in your profile."))
    if not token.user.is_active:
        raise TokenRefused(INVALID)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
