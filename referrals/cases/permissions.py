"""Named rules for cases, arrears and LAC sessions: the arrears rule of DESIGN.md.

Each asks the principal which OCMWs' arrears the person handles (the grants of
their arrears-handling teams). A superuser or platform admin without such a
team gets "no" here, as from every case and LAC list.
"""

from __future__ import annotations

from partners.principal import as_principal


def _owning_ocmw_id(obj) -> int:
    """The OCMW itself, or the OCMW that owns a case, LAC session or import."""
    from partners.models import Organisation

    return obj.pk if isinstance(obj, Organisation) else obj.ocmw_id


def can_view_arrears(who, obj) -> bool:
    """Members of the owning OCMW's arrears-handling teams, and nobody else.

    ``obj`` is a case, a LAC session or the OCMW itself.
    """
    return as_principal(who).may_view_arrears(_owning_ocmw_id(obj))


def can_change_arrears(who, obj) -> bool:
    return as_principal(who).may_change_arrears(_owning_ocmw_id(obj))


def can_manage_lac(who, ocmw) -> bool:
    """Planning LAC sessions and importing LAC lists is arrears work."""
    return as_principal(who).may_change_arrears(ocmw.pk)
