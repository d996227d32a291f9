"""Create (or bring back) the demo world. Safe to run as often as you like."""

from __future__ import annotations

import importlib
import importlib.util
import io
from datetime import date

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from partners.grants import rebuild_grants
from partners.models import (
    WATER_COMPANIES,
    Agreement,
    Membership,
    Municipality,
    Organisation,
    Postcode,
    Team,
)
from partners.principal import Principal
from portal.core.models import User

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - documented demo password

# (organisation name, kind, municipality NIS, street, postcode, description, languages)
ORGANISATIONS = [
    (
        "OCMW Aalst",
        "ocmw",
        "41002",
        "Gasthuisstraat 40",
        "9300",
        "Sociaal Huis van Aalst: hulp bij geld, wonen, energie en water.",
        "nl fr",
    ),
    (
        "Sociaal Huis Dendermonde",
        "ocmw",
        "42006",
        "Oude Vest 8",
        "9200",
        "Sociaal Huis van Dendermonde: één adres voor alle hulp.",
        "nl",
    ),
    (
        "Buurthuis De Brug",
        "neighbourhood",
        "41002",
        "Pontstraat 12",
        "9300",
        "Open huis in de wijk: koffie, huiswerkklas en een luisterend oor.",
        "nl ar tr",
    ),
    (
        "Welzijnsschakel Dendermonde",
        "welzijnsschakel",
        "42006",
        "Kerkstraat 3",
        "9200",
        "Vrijwilligers die samen met mensen in armoede werken.",
        "nl",
    ),
    (
        "Sociale kruidenier 't Winkeltje",
        "social_grocery",
        "41002",
        "Molenstraat 55",
        "9300",
        "Betaalbare boodschappen voor wie het moeilijk heeft.",
        "nl fr",
    ),
]

# organisation -> [(team name, flags)]
TEAMS = {
    "OCMW Aalst": [
        (
            "Onthaal",
            {
                "receives_referrals": True,
                "receives_general": True,
                "receives_water": True,
                "receives_energy": True,
            },
        ),
        (
            "Energie- en watercel",
            {
                "receives_referrals": True,
                "receives_water": True,
                "receives_energy": True,
                "handles_arrears": True,
                "plans_sessions": True,
            },
        ),
        ("Samenlevingsopbouw", {"submits_referrals": True, "plans_sessions": True}),
        ("Beheer", {}),
    ],
    "Sociaal Huis Dendermonde": [
        (
            "Onthaal",
            {
                "receives_referrals": True,
                "receives_general": True,
                "receives_water": True,
                "receives_energy": True,
            },
        ),
        (
            "Energie- en watercel",
            {
                "receives_referrals": True,
                "receives_water": True,
                "receives_energy": True,
                "handles_arrears": True,
                "plans_sessions": True,
            },
        ),
        ("Samenlevingsopbouw", {"submits_referrals": True}),
        ("Beheer", {}),
    ],
    "Buurthuis De Brug": [("Medewerkers en vrijwilligers", {"submits_referrals": True})],
    "Welzijnsschakel Dendermonde": [("Vrijwilligers", {"submits_referrals": True})],
    "Sociale kruidenier 't Winkeltje": [("Winkelteam", {"submits_referrals": True})],
}

# e-mail, name, organisation, team, role
ACCOUNTS = [
    (
        "partner@example.org",
        "Sara Peeters",
        "Buurthuis De Brug",
        "Medewerkers en vrijwilligers",
        "member",
    ),
    (
        "partner.admin@example.org",
        "Youssef El Amrani",
        "Buurthuis De Brug",
        "Medewerkers en vrijwilligers",
        "admin",
    ),
    (
        "kruidenier@example.org",
        "Els De Smet",
        "Sociale kruidenier 't Winkeltje",
        "Winkelteam",
        "member",
    ),
    (
        "welzijnsschakel@example.org",
        "Marc Van Damme",
        "Welzijnsschakel Dendermonde",
        "Vrijwilligers",
        "member",
    ),
    ("opbouwwerker@example.org", "Lotte Claes", "OCMW Aalst", "Samenlevingsopbouw", "member"),
    (
        "maatschappelijkwerker@example.org",
        "Nadia Janssens",
        "OCMW Aalst",
        "Energie- en watercel",
        "member",
    ),
    ("onthaal@example.org", "Tom Wouters", "OCMW Aalst", "Onthaal", "member"),
    ("coordinator@example.org", "An Maes", "OCMW Aalst", "Energie- en watercel", "coordinator"),
    ("admin@example.org", "Koen Verhoeven", "OCMW Aalst", "Beheer", "admin"),
    ("privacy@example.org", "Hilde Jacobs", "OCMW Aalst", "Beheer", "privacy"),
    (
        "maatschappelijkwerker.dendermonde@example.org",
        "Ines Mertens",
        "Sociaal Huis Dendermonde",
        "Energie- en watercel",
        "member",
    ),
    (
        "coordinator.dendermonde@example.org",
        "Pieter Goossens",
        "Sociaal Huis Dendermonde",
        "Energie- en watercel",
        "coordinator",
    ),
]
PLATFORM_ADMIN = ("platform@example.org", "Platformbeheerder")

# (OCMW, partner, may_refer, may_cohost, may_be_named)
AGREEMENTS = [
    ("OCMW Aalst", "Buurthuis De Brug", True, True, True),
    ("OCMW Aalst", "Sociale kruidenier 't Winkeltje", True, False, False),
    ("Sociaal Huis Dendermonde", "Welzijnsschakel Dendermonde", True, True, True),
]

# Not "referrals": arrears are never shown in the admin, to anyone.
PLATFORM_ADMIN_APPS = ("portal", "partners", "training")

# Demo accounts that must use two-step login (arrears teams, admins) share this
# authenticator secret, listed in the README; `manage.py demo_totp` prints the code.
DEMO_TOTP_SECRET = "LACWATERDEMOPORTAALVLAANDEREN234"  # noqa: S105 - documented demo secret


class Command(BaseCommand):
    help = "Create the demo world (organisations, teams, agreements, one account per role)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--in-production",
            action="store_true",
            help="Seed even though PORTAL_ENV=production (a training installation, say).",
        )

    def handle(self, *args, in_production: bool = False, **options):
        if settings.PRODUCTION and not in_production:
            raise CommandError(
                "PORTAL_ENV=production: seed_demo would create accounts with the password "
                "published in the README, and sample clients and referrals. If this is "
                "meant (a training installation), run it again with --in-production."
            )
        # The demo's own actions would send dozens of notification e-mails: drop them,
        # and run their jobs now, so no worker sends them later either.
        dummy = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
        at_once = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
        with override_settings(MAILERS=dummy, TASKS=at_once):
            self._seed()

    @transaction.atomic
    def _seed(self):
        postcodes = self._municipalities()
        for name in WATER_COMPANIES:  # normally there from a migration; tests may have emptied it
            Organisation.objects.get_or_create(name=name, kind=Organisation.Kind.WATER_COMPANY)
        organisations = self._organisations(postcodes)
        teams = self._teams(organisations)
        self._accounts(teams)
        self._agreements(organisations)
        report = rebuild_grants()
        self._two_step_login()
        # Each app adds its own demo data (referrals, sessions...) in <app>/demo.py.
        for app in ("referrals", "training"):
            if importlib.util.find_spec(f"{app}.demo") is not None:
                importlib.import_module(f"{app}.demo").seed(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo world ready ({len(organisations)} organisations, {len(teams)} teams; "
                f"grants +{report.added}/-{report.removed}). Password: {DEMO_PASSWORD}"
            )
        )

    def _municipalities(self) -> dict[str, Postcode]:
        """Load the real municipalities and postcodes; return the demo's postcodes by code."""
        call_command("load_municipalities", stdout=io.StringIO())
        wanted = {code for *_, code, _d, _l in ORGANISATIONS}
        postcodes: dict[str, Postcode] = {}
        for postcode in Postcode.objects.filter(code__in=wanted).select_related("municipality"):
            # Prefer the place that carries the municipality's own name (9200 Dendermonde).
            if postcode.name == postcode.municipality.name_nl:
                postcodes[postcode.code] = postcode
            else:
                postcodes.setdefault(postcode.code, postcode)
        return postcodes

    def _organisations(self, postcodes) -> dict[str, Organisation]:
        organisations = {}
        for name, kind, nis, street, code, description, languages in ORGANISATIONS:
            slug = name.lower().replace(" ", ".").replace("'", "")
            organisation, _ = Organisation.objects.update_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "street": street,
                    "postcode": postcodes[code],
                    "description": description,
                    "languages": languages,
                    "email": f"info@{slug}.example.org",
                    "phone": "053 00 00 00",
                    "opening_hours": "ma–vr 9.00–12.00, do 13.30–16.00",
                },
            )
            if kind == "ocmw":
                organisation.serves.set([Municipality.objects.get(nis_code=nis)])
            organisations[name] = organisation
        return organisations

    def _teams(self, organisations) -> dict[tuple[str, str], Team]:
        teams = {}
        for org_name, entries in TEAMS.items():
            organisation = organisations[org_name]
            for team_name, flags in entries:
                team = Team.objects.filter(organisation=organisation, name=team_name).first()
                if team is None:
                    group = Group.objects.create(name=f"team:{organisation.pk}:{team_name}")
                    team = Team(organisation=organisation, name=team_name, group=group)
                for field in (
                    "submits_referrals",
                    "receives_referrals",
                    "receives_water",
                    "receives_energy",
                    "receives_general",
                    "handles_arrears",
                    "plans_sessions",
                ):
                    setattr(team, field, flags.get(field, False))
                team.save()
                teams[(org_name, team_name)] = team
        return teams

    def _accounts(self, teams) -> None:
        for email, name, org_name, team_name, role in ACCOUNTS:
            user = self._user(email, name)
            team = teams[(org_name, team_name)]
            Membership.objects.update_or_create(user=user, team=team, defaults={"role": role})
            team.group.user_set.add(user)
        email, name = PLATFORM_ADMIN
        admin = self._user(email, name, is_staff=True)
        group, _ = Group.objects.get_or_create(name="Platformbeheerders")
        group.permissions.set(
            Permission.objects.filter(content_type__app_label__in=PLATFORM_ADMIN_APPS)
        )
        admin.groups.add(group)

    def _two_step_login(self) -> None:
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        emails = [email for email, *_rest in ACCOUNTS] + [PLATFORM_ADMIN[0]]
        for user in User.objects.filter(email__in=emails):
            if (
                Principal.of(user).needs_mfa
                and not Authenticator.objects.filter(
                    user=user, type=Authenticator.Type.TOTP
                ).exists()
            ):
                TOTP.activate(user, DEMO_TOTP_SECRET)
        self.stdout.write(
            f"Two-step login secret of the demo's arrears teams and admins: {DEMO_TOTP_SECRET}"
            " (current code: manage.py demo_totp)"
        )

    def _user(self, email: str, name: str, *, is_staff: bool = False) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
        user.full_name = name
        user.is_staff = is_staff
        user.save(update_fields=["full_name", "is_staff"])
        # Verified, like an accepted invitation: allauth asks for it before two-step login.
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _agreements(self, organisations) -> None:
        ocmw_contacts = {
            "OCMW Aalst": "coordinator@example.org",
            "Sociaal Huis Dendermonde": "coordinator.dendermonde@example.org",
        }
        for ocmw_name, partner_name, refer, cohost, named in AGREEMENTS:
            ocmw, partner = organisations[ocmw_name], organisations[partner_name]
            Agreement.objects.update_or_create(
                ocmw=ocmw,
                partner=partner,
                ended_at=None,
                defaults={
                    "may_refer": refer,
                    "may_cohost": cohost,
                    "may_be_named": named,
                    "valid_from": date(2026, 1, 1),
                    "proposed_by": ocmw,
                    "confirmed_at": timezone.make_aware(timezone.datetime(2026, 1, 15, 10)),
                    "ocmw_contact": User.objects.get(email=ocmw_contacts[ocmw_name]),
                    "note": "Samenwerking rond toeleiding naar de LAC water.",
                },
            )
