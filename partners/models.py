"""The partner network: municipalities, organisations, teams and memberships.

Every object permission in the portal is granted on an ``Organisation`` or a
``Team`` (see ``partners.grants``); the direct foreign-key permission models
at the bottom of this module hold those grants.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from partners.querysets import (
    AgreementQuerySet,
    MembershipQuerySet,
    OrganisationQuerySet,
    TeamQuerySet,
)


class Municipality(models.Model):
    """A municipality as identified by Statbel's NIS code; mergers end validity."""

    nis_code = models.CharField(_("NIS code"), max_length=5, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100, blank=True)
    region = models.CharField(
        _("region"),
        max_length=10,
        choices=[("flanders", _("Flanders")), ("brussels", _("Brussels"))],
        default="flanders",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["name_nl"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name_nl


class Postcode(models.Model):
    """A postcode area; one municipality has one or more of them."""

    code = models.CharField(_("postcode"), max_length=4, db_index=True)
    name = models.CharField(_("place"), max_length=100)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="postcodes"
    )

    class Meta:
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code", "name"], name="postcode_code_name_unique")
        ]
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Offer(models.TextChoices):
    """What an organisation offers its visitors (directory filter)."""

    ACCOMPANY = "accompany", _("Comes along to appointments")
    PAPERWORK = "paperwork", _("Help with letters and forms")
    VENUE = "venue", _("Room for information sessions")
    FOOD = "food", _("Food and groceries")
    MEETING = "meeting", _("A place to meet people")
    LANGUAGE = "language", _("Help in other languages")
    DIGITAL = "digital", _("Help with computers and phones")
    ENERGY = "energy", _("Advice on saving water and energy")


class Language(models.TextChoices):
    NL = "nl", _("Dutch")
    FR = "fr", _("French")
    EN = "en", _("English")
    DE = "de", _("German")
    AR = "ar", _("Arabic")
    TR = "tr", _("Turkish")
    RO = "ro", _("Romanian")
    PL = "pl", _("Polish")
    RU = "ru", _("Russian")
    UK = "uk", _("Ukrainian")
    ES = "es", _("Spanish")
    PT = "pt", _("Portuguese")
    FA = "fa", _("Persian")
    PS = "ps", _("Pashto")
    TI = "ti", _("Tigrinya")
    SO = "so", _("Somali")
    BG = "bg", _("Bulgarian")
    SK = "sk", _("Slovak")
    IT = "it", _("Italian")


# The water companies that sit on LACs (also created by a data migration).
WATER_COMPANIES = ["De Watergroep", "Farys", "Pidpa", "Water-link", "Aquaduin", "AGSO Knokke-Heist"]


class Organisation(models.Model):
    class Kind(models.TextChoices):
        OCMW = "ocmw", _("OCMW / Sociaal Huis")
        INTERNAL = "internal", _("Internal OCMW service")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood centre")
        WELZIJNSSCHAKEL = "welzijnsschakel", _("Welzijnsschakel")
        SOCIAL_GROCERY = "social_grocery", _("Social grocery")
        POVERTY_ASSOCIATION = (
            "poverty_association",
            _("Association where people in poverty speak out"),
        )
        CAW = "caw", _("CAW")
        OTHER = "other", _("Other partner")
        WATER_COMPANY = "water_company", _("Water company")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        help_text=_("For an internal service: the OCMW it belongs to."),
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.ForeignKey(
        Postcode,
        verbose_name=_("postcode"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    languages = models.CharField(
        _("languages spoken"),
        max_length=100,
        blank=True,
        help_text=_("Language codes separated by spaces, e.g. 'nl fr ar'."),
    )
    offers = models.CharField(
        _("what it offers"),
        max_length=200,
        blank=True,
        help_text=_("Offer codes separated by spaces."),
    )
    accessibility = models.TextField(_("accessibility"), blank=True)
    description = models.TextField(_("short public description"), blank=True)
    serves = models.ManyToManyField(
        Municipality,
        verbose_name=_("municipalities served"),
        blank=True,
        related_name="served_by",
        help_text=_("For an OCMW: the municipalities whose residents it serves."),
    )
    mfa_required = models.BooleanField(_("two-step login required for all members"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every edit: a form sent with an older version is refused, not merged.
    version = models.PositiveIntegerField(default=1)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [
            ("refer_to", _("May submit referrals to this OCMW")),
            ("view_arrears", _("May view arrears of this OCMW")),
            ("change_arrears", _("May record arrears of this OCMW")),
            ("plan_sessions", _("May plan information sessions for this organisation")),
            ("manage_agreements", _("May manage partnership agreements")),
            ("manage_members", _("May invite and remove members, manage teams")),
            ("export_personal_data", _("May export all data held on a client (right of access)")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def language_list(self) -> list[str]:
        return self.languages.split()

    @property
    def language_labels(self) -> list[str]:
        labels = dict(Language.choices)
        return [str(labels.get(code, code)) for code in self.languages.split()]

    @property
    def offer_labels(self) -> list[str]:
        labels = dict(Offer.choices)
        return [str(labels[code]) for code in self.offers.split() if code in labels]

    @property
    def is_ocmw(self) -> bool:
        return self.kind == self.Kind.OCMW

    @property
    def is_partner(self) -> bool:
        return self.kind not in {self.Kind.OCMW, self.Kind.INTERNAL, self.Kind.WATER_COMPANY}

    @property
    def owning_ocmw(self) -> Organisation | None:
        """The OCMW this organisation is (part of), if any."""
        if self.is_ocmw:
            return self
        if self.kind == self.Kind.INTERNAL:
            return self.parent
        return None

    def clean(self) -> None:
        if self.kind == self.Kind.INTERNAL and (
            self.parent is None or self.parent.kind != self.Kind.OCMW
        ):
            raise ValidationError({"parent": _("An internal service belongs to an OCMW.")})


class Team(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    name = models.CharField(_("name"), max_length=120)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="team")
    submits_referrals = models.BooleanField(
        _("registers referrals"),
        default=False,
        help_text=_("Partner teams and internal teams that help clients take the step."),
    )
    receives_referrals = models.BooleanField(_("receives referrals"), default=False)
    receives_water = models.BooleanField(_("for water bills"), default=False)
    receives_energy = models.BooleanField(_("for energy"), default=False)
    receives_general = models.BooleanField(_("for other questions"), default=False)
    handles_arrears = models.BooleanField(
        _("handles arrears"),
        default=False,
        help_text=_("Only for teams of an OCMW. Only a platform admin can change this."),
    )
    plans_sessions = models.BooleanField(_("plans information sessions"), default=False)
    capacity_per_worker = models.PositiveSmallIntegerField(_("open cases per worker"), default=25)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique")
        ]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        permissions = [("receive_referrals", _("Receives referrals routed to this team"))]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"

    @property
    def reason_labels(self) -> list[str]:
        reasons = [
            (self.receives_water, _("water bills")),
            (self.receives_energy, _("energy")),
            (self.receives_general, _("other questions")),
        ]
        return [str(label) for holds, label in reasons if holds]

    def clean(self) -> None:
        if self.handles_arrears and not self.organisation.is_ocmw:
            raise ValidationError(
                {"handles_arrears": _("Only a team of an OCMW can handle arrears.")}
            )


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        COORDINATOR = "coordinator", _("Coordinator")
        ADMIN = "admin", _("Organisation admin")
        PRIVACY = "privacy", _("Privacy officer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["team__organisation__name", "team__name"]
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="membership_unique")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} — {self.team} ({self.get_role_display()})"


class Agreement(models.Model):
    """A partnership agreement (samenwerkingsakkoord) between an OCMW and a partner.

    Proposed by one side, confirmed by the other; active while confirmed, not
    ended and within its validity dates.
    """

    ocmw = models.ForeignKey(
        Organisation,
        verbose_name=_("OCMW"),
        on_delete=models.PROTECT,
        related_name="agreements_as_ocmw",
        limit_choices_to={"kind": Organisation.Kind.OCMW},
    )
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="agreements_as_partner",
    )
    may_refer = models.BooleanField(_("may submit referrals"), default=True)
    may_cohost = models.BooleanField(_("may co-host information sessions"), default=False)
    may_be_named = models.BooleanField(
        _("may be named as a contact on letters and cards"), default=False
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    ocmw_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person at the OCMW"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    partner_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person at the partner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    proposed_by = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ocmw", "partner"],
                condition=models.Q(ended_at__isnull=True),
                name="agreement_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(ocmw=models.F("partner")), name="agreement_two_sides"
            ),
        ]
        verbose_name = _("partnership agreement")
        verbose_name_plural = _("partnership agreements")

    def __str__(self) -> str:
        return f"{self.ocmw} — {self.partner}"

    @property
    def status(self) -> str:
        if self.ended_at:
            return "ended"
        if self.confirmed_at is None:
            return "proposed"
        return "active"

    def other_side(self, organisation: Organisation) -> Organisation:
        return self.partner if organisation.pk == self.ocmw_id else self.ocmw


# Direct foreign-key object permission tables (django-guardian). Grants are
# written only by partners.grants, called from services.


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("organisation permission of a person")


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("organisation permission of a team")


class TeamUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Team, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("team permission of a person")


class TeamGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Team, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("team permission of a team")
