"""Personal access tokens for the API: making, checking and revoking them.

A token belongs to one person and acts as that person, so it sees exactly what
they see (the same visibility rules as the pages). Only a SHA-256 hash of the
secret is stored; the secret is shown once. A read-only token may only read.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core import audit
from portal.core.exceptions import ActionRefused
from portal.core.models import ApiToken, User
from portal.core.security import has_totp, needs_two_step

logger = logging.getLogger("portal.core.api")

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
TWO_STEP = gettext_lazy(
    "Your work needs two-step login: set up an authenticator app in the portal, "
    "then make a new API token."
)


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
    if needs_two_step(actor) and not has_totp(actor):
        raise ActionRefused(TWO_STEP)
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


@transaction.atomic
def revoke_all(user: User, *, reason: str, actor: User | None = None) -> int:
    """Stop every active token of ``user`` at once (their authenticator was removed,
    or their account deactivated); one audit entry says how many and why."""
    active = list(ApiToken.objects.active().filter(user=user).select_for_update())
    if not active:
        return 0
    ApiToken.objects.filter(pk__in=[t.pk for t in active]).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    audit.record(
        "api_token.revoked_all", user, actor=actor, data={"reason": reason, "count": len(active)}
    )
    return len(active)


def revoke_when_authenticator_removed(sender, instance, **kwargs) -> None:
    """Signal receiver: a person whose authenticator app goes loses their tokens too,
    so a token never outlives the two-step login it was made under."""
    if instance.type == instance.Type.TOTP:
        revoke_all(instance.user, reason="authenticator removed")


def require_two_step(token: ApiToken) -> None:
    """TokenRefused when the token's owner must use two-step login and has no
    authenticator: a token keeps to the browser's rule. Asked once the token's user is
    the request's user, so the rule reads the principal the request builds anyway."""
    if needs_two_step(token.user) and not has_totp(token.user):
        logger.warning("api token refused: owner %s has no two-step login", token.user_id)
        raise TokenRefused(TWO_STEP)


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
