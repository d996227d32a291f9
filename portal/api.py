"""API plumbing shared by every app: the root, errors, permission class."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import exception_handler as drf_exception_handler

from portal.api_permissions import IsMember
from portal.exceptions import ActionRefused


def exception_handler(exc, context):
    """One error format: ``{"detail": "<message in the request's language>"}``."""
    if isinstance(exc, ActionRefused):
        return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)


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
