"""From the client's postcode and the reason to the OCMW team that receives it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from partners.models import Organisation, Postcode, Team
from partners.principal import arrears_teams_first
from portal.core.exceptions import ActionRefused

REASON_FLAG = {"water": "receives_water", "energy": "receives_energy", "other": "receives_general"}


def ocmw_for(postcode: Postcode) -> Organisation:
    ocmw = (
        Organisation.objects.filter(kind=Organisation.Kind.OCMW, serves=postcode.municipality_id)
        .order_by("pk")
        .first()
    )
    if ocmw is None:
        raise ActionRefused(
            _(
                "The OCMW of %(place)s does not use this portal yet. "
                "Help the client to contact the OCMW directly."
            )
            % {"place": postcode.municipality.name_nl}
        )
    return ocmw


def receiving_team_for(ocmw: Organisation, reason: str) -> Team:
    """The team for this reason; for water and energy, the arrears team comes first."""
    teams = ocmw.teams.filter(receives_referrals=True)
    team = arrears_teams_first(teams.filter(**{REASON_FLAG[reason]: True})).first()
    team = team or teams.filter(receives_general=True).order_by("name").first()
    if team is None:
        raise ActionRefused(
            _("%(ocmw)s has no team that receives referrals yet. Contact them directly.")
            % {"ocmw": ocmw.name}
        )
    return team


def contact_line(ocmw: Organisation) -> str:
    """How to reach an OCMW, for messages that send the referrer there instead."""
    parts = [ocmw.name]
    if ocmw.street and ocmw.postcode_id:
        parts.append(f"{ocmw.street}, {ocmw.postcode.code} {ocmw.postcode.name}")
    if ocmw.phone:
        parts.append(ocmw.phone)
    return " · ".join(parts)
