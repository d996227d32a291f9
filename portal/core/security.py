"""Request-level protections: enforced two-step login, session timeouts, no-store.

Each is a small middleware with its own setting (see README, Configuration).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# While two-step login is not set up yet, only these paths stay open.
MFA_SETUP_OPEN = ("/accounts/", "/language/", "/static/", "/invitations/")
MFA_RECHECK_SECONDS = 300


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _nobody(user) -> bool:
    return False


_two_step_rule: Callable[[Any], bool] = _nobody


def require_two_step_when(rule: Callable[[Any], bool]) -> None:
    """Who must use two-step login is the network's rule (the principal's ``needs_mfa``);
    the partners app hands it to the kernel at start-up, as the kernel may not import it."""
    global _two_step_rule
    _two_step_rule = rule


def needs_two_step(user) -> bool:
    """Whether ``user`` may work only with a confirmed authenticator (browser and API)."""
    return settings.PORTAL_ENFORCE_MFA and _two_step_rule(user)


class MfaEnforcementMiddleware:
    """Send people who must use two-step login to set it up before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.PORTAL_ENFORCE_MFA
            and user.is_authenticated
            and not request.path.startswith(MFA_SETUP_OPEN)
            and not self._recently_confirmed(request)
            # The principal comes from partners.middleware, earlier in MIDDLEWARE.
            and request.principal.needs_mfa
        ):
            if has_totp(user):
                request.session["portal_mfa_ok"] = int(time.time())
            elif request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": _("Set up two-step login in the portal first."),
                        "code": "mfa_required",
                    },
                    status=403,
                )
            else:
                messages.info(
                    request,
                    _(
                        "Your work gives you access to sensitive data: set up two-step "
                        "login with an authenticator app first."
                    ),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _recently_confirmed(request) -> bool:
        checked = request.session.get("portal_mfa_ok", 0)
        return time.time() - checked < MFA_RECHECK_SECONDS


class SessionTimeoutMiddleware:
    """Log out after a period without activity, and after a maximum session length.

    The last-activity time is written at most once a minute, not on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault("portal_started", now)
            seen = session.get("portal_seen", now)
            idle = settings.PORTAL_SESSION_IDLE_MINUTES * 60
            absolute = settings.PORTAL_SESSION_MAX_HOURS * 3600
            if now - seen > idle or now - started > absolute:
                logout(request)
                messages.info(request, _("You were logged out to protect the data. Log in again."))
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": _("Your session has ended."), "code": "session_expired"},
                        status=401,
                    )
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
            if now - seen >= 60 or "portal_seen" not in session:
                session["portal_seen"] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for logged-in people hold personal data: browsers and proxies must not keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response


def start_session_clock(sender, request, user, **kwargs):
    """On log-in: the idle and absolute timeouts count from now."""
    now = int(time.time())
    request.session["portal_started"] = now
    request.session["portal_seen"] = now


_request_path: ContextVar[str] = ContextVar("portal_request_path", default="")


def current_request_path() -> str:
    """The path of the request being served (empty outside requests), for the access log."""
    return _request_path.get()


class RequestPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_path.set(request.get_full_path())
        try:
            return self.get_response(request)
        finally:
            _request_path.reset(token)
