"""Fetching is the access check for referrals."""

from __future__ import annotations

from django.http import Http404

from partners.principal import as_principal
from portal.core.access_log import log_access


def get_case_for_user_or_404(user, pk: int, *, purpose: str = "case"):
    """A case of an OCMW whose arrears the person handles; 404 for everyone else,
    so nobody else can even learn that the case exists."""
    from referrals.cases.models import Case

    case = (
        Case.objects.visible_to(user)
        .select_related("client__postcode", "ocmw", "team", "worker")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        log_access(user, "refused", "case", pk, purpose=purpose)
        raise Http404
    log_access(
        user, "read", "case", pk, purpose=purpose, client_id=case.client_id, ocmw_id=case.ocmw_id
    )
    return case


def get_arrears_ocmws_or_404(user) -> list:
    """The OCMWs whose arrears the person handles, by name; 404 for anyone who handles
    none, so the arrears pages do not exist for them."""
    from partners.models import Organisation

    ocmws = list(
        Organisation.objects.filter(pk__in=as_principal(user).arrears_ocmw_ids).order_by("name")
    )
    if not ocmws:
        raise Http404
    return ocmws


def get_agenda_item_for_user_or_404(user, pk: int, *, related: tuple[str, ...] = ()):
    """An agenda item of a LAC session the person sees; 404 for everyone else."""
    from referrals.cases.models import AgendaItem

    queryset = AgendaItem.objects.visible_to(user).select_related("session__ocmw", *related)
    return _first_or_404(queryset, pk)


def get_lac_import_for_user_or_404(user, pk: int, *, defer: tuple[str, ...] = ()):
    """An uploaded LAC list of an OCMW whose arrears the person handles; ``defer``
    leaves fields unread (the file itself, megabytes, for a page that polls)."""
    from referrals.cases.models import LacImport

    queryset = LacImport.objects.visible_to(user).select_related("session", "ocmw").defer(*defer)
    return _first_or_404(queryset, pk)


def _first_or_404(queryset, pk: int):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def get_lac_session_for_user_or_404(user, pk: int):
    from referrals.cases.models import LacSession

    session = LacSession.objects.visible_to(user).select_related("ocmw").filter(pk=pk).first()
    if session is None:
        raise Http404
    return session
