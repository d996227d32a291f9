"""Fetching is the access check: someone who may not see an object gets 404,
someone who may see it but not change it gets 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from partners.models import Agreement, Organisation, Team
from partners.permissions import can_end_agreement, can_manage_agreements, can_manage_members


def get_visible_organisation_or_404(user, pk: int) -> Organisation:
    organisation = (
        Organisation.objects.visible_to(user)
        .select_related("postcode__municipality", "parent")
        .filter(pk=pk)
        .first()
    )
    if organisation is None:
        raise Http404
    return organisation


def get_managed_organisation_or_404(user, pk: int) -> Organisation:
    """An organisation the user manages: 404 for outsiders, 403 for members without the right."""
    organisation = Organisation.objects.for_member(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    if not can_manage_members(user, organisation):
        raise PermissionDenied
    return organisation


def get_agreement_organisation_or_404(user, pk: int) -> Organisation:
    """An organisation whose agreements the user manages."""
    organisation = Organisation.objects.for_member(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    if not can_manage_agreements(user, organisation):
        raise PermissionDenied
    return organisation


def get_managed_team_or_404(user, organisation: Organisation, pk: int) -> Team:
    team = Team.objects.filter(organisation=organisation, pk=pk).first()
    if team is None:
        raise Http404
    return team


def get_agreement_or_404(user, pk: int) -> Agreement:
    agreement = (
        Agreement.objects.visible_to(user)
        .select_related("ocmw", "partner", "proposed_by")
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        raise Http404
    return agreement


def get_endable_agreement_or_404(user, pk: int) -> Agreement:
    """An agreement the person sees (404 otherwise) and may end (403 otherwise)."""
    agreement = get_agreement_or_404(user, pk)
    if not can_end_agreement(user, agreement):
        raise PermissionDenied
    return agreement
