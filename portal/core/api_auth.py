"""Personal access tokens on the API: the authentication class and the rate limit.

``Authorization: Bearer <token>`` authenticates as the token's owner. Browser
sessions keep working beside it (the portal's own pages call the API that way).
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling

from portal.core import tokens


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer lwp_…``. Unknown, revoked and expired tokens get 401."""

    keyword = "bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(tokens.INVALID)
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(tokens.INVALID) from None
        try:
            token = tokens.authenticate(secret)
            # The token's user is this request's user: rules asked about it may keep
            # what they read for the rest of the request (partners.principal).
            token.user.is_request_user = True
            tokens.require_two_step(token)
        except tokens.TokenRefused as refusal:
            tokens.logger.warning(
                "api token refused: prefix=%s method=%s path=%s",
                secret[:10],
                request.method,
                request.path,
            )
            raise exceptions.AuthenticationFailed(refusal.message) from None
        return token.user, token

    def authenticate_header(self, request):
        # A request that came with a bearer token which did not work gets 401 and
        # this challenge; one without any credentials keeps DRF's 403 (as before tokens).
        parts = authentication.get_authorization_header(request).split()
        if parts and parts[0].lower() == self.keyword.encode():
            return 'Bearer realm="api", error="invalid_token"'
        return None


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Requests made with tokens, counted per person (all their tokens together).

    The rate comes from ``PORTAL_API_TOKEN_RATE``; counts live in the cache
    (Redis in production, so every web process shares them).
    """

    scope = "api_token"

    def get_rate(self):
        # Read from settings on each request (DRF would freeze THROTTLE_RATES at import).
        return settings.PORTAL_API_TOKEN_RATE

    def get_cache_key(self, request, view):
        from portal.core.models import ApiToken

        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.user_id}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal access token, made under My account → API tokens. "
                "Read-only tokens may only use GET."
            ),
        }
