"""API plumbing shared by every app: the root, one error format, ETag/If-Match."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from portal.core.api_permissions import IsMember
from portal.core.exceptions import ActionRefused

# Errors -------------------------------------------------------------------------


class Conflict(exceptions.APIException):
    """A business rule refused the action (ActionRefused): the state does not allow it."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This is not possible in the current state.")
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "Someone else changed this in the meantime: the If-Match version is not the "
        "current one. Fetch it again to see what changed, then try again."
    )
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = 428  # Precondition Required (RFC 6585)
    default_detail = _(
        "Say which version you are changing: send an If-Match header with the ETag, "
        "or “version” in the body."
    )
    default_code = "precondition_required"


class DatabaseUnavailable(exceptions.APIException):
    status_code = 503
    default_code = "unavailable"
    retry_after = 5
    default_detail = _(
        "The portal cannot reach its database just now; nothing was changed. Try again."
    )


def request_too_large_message() -> str:
    """What a client hears when its body is over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, with
    the limit in the active language's number format (``2,5 MB``)."""
    size = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE).replace("\xa0", " ")
    return _("The request is too large: at most %(size)s.") % {"size": size}


class RequestTooLarge(exceptions.APIException):
    """The body is over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django's RequestDataTooBig)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self):
        super().__init__(request_too_large_message())


def _plain(detail):
    """DRF's ErrorDetail tree as plain strings, lists and dicts."""
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(item) for item in detail]
    return str(detail)


def _first_message(detail) -> str | None:
    if isinstance(detail, dict):
        for value in detail.values():
            found = _first_message(value)
            if found:
                return found
        return None
    if isinstance(detail, list):
        for item in detail:
            found = _first_message(item)
            if found:
                return found
        return None
    return str(detail)


def error_body(exc: exceptions.APIException) -> dict:
    detail = exc.detail
    if isinstance(detail, dict | list):
        fields = _plain(detail) if isinstance(detail, dict) else {}
        general = (
            detail.get(api_settings.NON_FIELD_ERRORS_KEY) if isinstance(detail, dict) else detail
        )
        message = _first_message(general) if general else None
        return {
            "detail": message or str(_("Some fields are not filled in correctly. See “fields”.")),
            "code": "invalid",
            "fields": fields,
        }
    return {"detail": str(detail), "code": getattr(detail, "code", None) or exc.default_code}


def exception_handler(exc, context):
    """One error format: ``{"detail": "<message in the request's language>", "code": "…"}``,
    with ``"fields"`` added for invalid input."""
    if isinstance(exc, ActionRefused):
        exc = Conflict(exc.message)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # Django's own answer would be a bare HTML 400 (it is a SuspiciousOperation).
        exc = RequestTooLarge()
    elif isinstance(exc, OperationalError | InterfaceError):
        # The database is away (restarting): nothing was changed, try again shortly.
        # Writes run in one transaction with their answer (portal/core/idempotency.py),
        # so this never answers a change that was committed.
        exc = DatabaseUnavailable()
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = error_body(exc)
        if isinstance(exc, DatabaseUnavailable):
            response["Retry-After"] = str(DatabaseUnavailable.retry_after)
    return response


# ETag and If-Match ------------------------------------------------------------------

IF_MATCH = re.compile(r'^\s*(?:W/)?"(\d{1,10})"\s*$')


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(header: str) -> int | None:
    """The version in an If-Match header; None for ``*``; 400 when it is not an ETag of ours."""
    if header.strip() == "*":
        return None
    found = IF_MATCH.match(header)
    if found is None:
        raise exceptions.ParseError(
            _('If-Match must be the ETag of the object, for example "3" (with the quotes).')
        )
    return int(found.group(1))


# ETag and If-Match for viewsets whose objects carry a ``version`` number.
# (A comment, not a docstring: drf-spectacular would show a docstring on every endpoint.)
#
# - Detail responses (``retrieve`` and the actions in ``versioned_actions``)
#   send ``ETag: "<version>"``.
# - Changes through ``versioned_actions`` may send ``If-Match: "<version>"``:
#   when it is not the current version the answer is 412 and nothing changes.
#   With If-Match, the ``version`` in a JSON body may be left out; when both
#   are given they must agree.
# - Actions in ``precondition_required`` answer 428 when neither is given
#   (the object exists and would otherwise be overwritten blindly).
#
# The services still compare versions under a row lock, so a change that
# slips in between this check and the write is refused with 409.
class VersionedMixin:
    versioned_actions: frozenset[str] = frozenset()
    precondition_required: frozenset[str] = frozenset()

    def versioned_object(self):
        """The object the URL changes, fetched with the action's own access check
        (so 404 and 403 come before 412); None when it does not exist yet."""
        return self.get_object()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action not in self.versioned_actions or request.method in permissions.SAFE_METHODS:
            return
        header = request.headers.get("If-Match")
        # Only a JSON body is looked at here; anything else is the view's to refuse.
        is_json = request.content_type.startswith("application/json")
        data = request.data if is_json and isinstance(request.data, dict) else {}
        body_version = data.get("version")
        if header is None:
            if (
                body_version is None
                and self.action in self.precondition_required
                and self.versioned_object() is not None
            ):
                raise PreconditionRequired
            return
        expected = parse_if_match(header)
        current = self.versioned_object()
        if current is None:
            raise PreconditionFailed
        if expected is None:  # If-Match: * says "it exists", not which version
            if body_version is None and self.action in self.precondition_required:
                raise PreconditionRequired
            return
        if current.version != expected or (
            body_version is not None and str(body_version) != str(expected)
        ):
            raise PreconditionFailed
        if body_version is None and is_json and type(request.data) is dict:
            request.data["version"] = expected

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if (
            (self.action == "retrieve" or self.action in self.versioned_actions)
            and 200 <= response.status_code < 300
            and isinstance(data, dict)
            and type(data.get("version")) is int
        ):
            response["ETag"] = etag(data["version"])
        return response


# The root -------------------------------------------------------------------------


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([IsMember])
def api_root(request, format=None):
    return Response(
        {
            "organisations": reverse("api:organisation-list", request=request),
            "agreements": reverse("api:agreement-list", request=request),
            "schema": reverse("api:schema", request=request),
            "docs": reverse("api:docs", request=request),
        }
    )
