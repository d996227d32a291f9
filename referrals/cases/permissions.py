"""Named rules for cases, arrears and LAC sessions: the arrears rule of DESIGN.md."""

from __future__ import annotations


def _owning_ocmw(obj):
    """The OCMW itself, or the OCMW that owns a case, LAC session or import."""
    from partners.models import Organisation

    return obj if isinstance(obj, Organisation) else obj.ocmw


def can_view_arrears(user, obj) -> bool:
    """Members of the owning OCMW's arrears-handling teams, and nobody else.

    ``obj`` is a case, a LAC session or the OCMW itself.
    """
    return user.is_authenticated and user.has_perm("partners.view_arrears", _owning_ocmw(obj))


def can_change_arrears(user, obj) -> bool:
    return user.is_authenticated and user.has_perm("partners.change_arrears", _owning_ocmw(obj))


def can_manage_lac(user, ocmw) -> bool:
    """Planning LAC sessions and importing LAC lists is arrears work."""
    return user.is_authenticated and user.has_perm("partners.change_arrears", ocmw)
