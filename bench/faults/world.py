"""The smallest world the drill needs, made with the test suite's factories and the
portal's own services: one OCMW (Aalst) with a receiving team and an arrears team, one
partner with an agreement, a worker and an API token per client thread, a webhook
endpoint for each organisation, a LAC session and the LAC lists to import."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup_django(env: dict[str, str]) -> None:
    """This process reads and writes the drill's database with the portal's models."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


@dataclass
class World:
    team_id: int  # the partner's referring team
    postcode_id: int
    partner_tokens: list[str]
    ocmw_tokens: list[str]
    session_id: int
    ocmw_id: int
    arrears_worker_id: int
    endpoint_secrets: dict[str, str] = field(default_factory=dict)  # path -> secret
    imports: dict[str, int] = field(default_factory=dict)  # phase -> LacImport id


def build(*, clients: int, hook_url: str) -> World:
    from django.utils import timezone

    from partners.grants import rebuild_grants
    from partners.models import Membership, Organisation
    from portal.core.models import ApiToken
    from portal.core.tokens import create_token
    from portal.shell.webhooks import create_endpoint
    from referrals.cases.models import LacSession
    from tests.factories import (
        AgreementFactory,
        MembershipFactory,
        MunicipalityFactory,
        OrganisationFactory,
        PostcodeFactory,
        TeamFactory,
        UserFactory,
    )

    aalst = MunicipalityFactory(nis_code="41002", name_nl="Aalst")
    postcode = PostcodeFactory(code="9300", name="Aalst", municipality=aalst)
    ocmw = OrganisationFactory(name="OCMW Aalst", kind=Organisation.Kind.OCMW, postcode=postcode)
    ocmw.serves.set([aalst])
    OrganisationFactory(name="Farys", kind=Organisation.Kind.WATER_COMPANY, postcode=postcode)
    partner = OrganisationFactory(name="Buurthuis De Brug", postcode=postcode)
    # The receiving team handles no arrears, so its members need no authenticator for a token.
    onthaal = TeamFactory(
        organisation=ocmw,
        name="Onthaal",
        receives_referrals=True,
        receives_water=True,
        receives_energy=True,
        receives_general=True,
    )
    watercel = TeamFactory(organisation=ocmw, name="Energie- en watercel", handles_arrears=True)
    beheer = TeamFactory(organisation=ocmw, name="Beheer")
    volunteers = TeamFactory(organisation=partner, name="Vrijwilligers", submits_referrals=True)
    AgreementFactory(ocmw=ocmw, partner=partner, may_refer=True)

    def member(team, role=Membership.Role.MEMBER):
        return MembershipFactory(team=team, role=role, user=UserFactory()).user

    partner_workers = [member(volunteers) for _ in range(clients)]
    ocmw_workers = [member(onthaal) for _ in range(2)]
    arrears_worker = member(watercel)
    ocmw_admin = member(beheer, Membership.Role.ADMIN)
    partner_admin = member(volunteers, Membership.Role.ADMIN)
    rebuild_grants()

    expires = timezone.now() + timedelta(days=30)

    def token(user) -> str:
        return create_token(
            actor=user, name="drill", scope=ApiToken.Scope.WRITE, expires_at=expires
        )[1]

    world = World(
        team_id=volunteers.pk,
        postcode_id=postcode.pk,
        partner_tokens=[token(user) for user in partner_workers],
        ocmw_tokens=[token(user) for user in ocmw_workers],
        session_id=LacSession.objects.create(
            ocmw=ocmw, date=timezone.localdate() + timedelta(days=30)
        ).pk,
        ocmw_id=ocmw.pk,
        arrears_worker_id=arrears_worker.pk,
    )
    for organisation, admin, path in [
        (ocmw, ocmw_admin, "/ocmw"),
        (partner, partner_admin, "/partner"),
    ]:
        _endpoint, secret = create_endpoint(organisation, actor=admin, url=hook_url + path)
        world.endpoint_secrets[path] = secret
    return world


def lac_list(phase: str, rows: int) -> bytes:
    """A water company's list in the format of referrals/data/README.md, new people only."""
    lines = [
        "watermaatschappij;klantnummer;naam;straat;postcode;gemeente;bedrag;sociaal_tarief;"
        "begrenzer_sinds;gsm;verantwoordingsnota"
    ]
    for i in range(rows):
        cents = 5000 + (i * 7919) % 200000
        euros = f"{cents // 100},{cents % 100:02d}"
        lines.append(
            f"Farys;DR-{phase}-{i:06d};Drill {phase} {i};Drillstraat {i};9300;Aalst;{euros};"
            f"{'ja' if i % 5 == 0 else 'nee'};;;Drill {phase}."
        )
    return ("\n".join(lines) + "\n").encode()


def prepare_import(world: World, phase: str, rows: int) -> int:
    """Upload (preview) a list now; it is confirmed during the phase."""
    from partners.models import Organisation
    from portal.core.models import User
    from referrals.cases import lac_import
    from referrals.cases.models import LacSession

    lac, plan = lac_import.start_import(
        ocmw=Organisation.objects.get(pk=world.ocmw_id),
        session=LacSession.objects.get(pk=world.session_id),
        actor=User.objects.get(pk=world.arrears_worker_id),
        filename=f"drill-{phase}.csv",
        raw=lac_list(phase, rows),
    )
    if plan.problems:
        raise RuntimeError(f"the drill's LAC list has problems: {plan.problems[:3]}")
    world.imports[phase] = lac.pk
    return lac.pk


def confirm_import(world: World, phase: str) -> str:
    """What the confirm button does for a large list: a background job, in its own
    transaction (the job row commits with it). Returns the job's id."""
    from django.db import transaction

    from referrals.cases.tasks import run_lac_import

    with transaction.atomic():
        result = run_lac_import.enqueue(world.imports[phase], world.arrears_worker_id)
    return str(result.id)
