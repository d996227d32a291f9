"""Fetching is the access check: someone who may not see an object gets 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from partners.models import Organisation
from partners.permissions import can_manage_members


def get_managed_organisation_or_404(user, pk: int) -> Organisation:
    """An organisation the user manages: 404 for outsiders, 403 for members without the right."""
    organisation = Organisation.objects.for_member(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    if not can_manage_members(user, organisation):
        raise PermissionDenied
    return organisation
