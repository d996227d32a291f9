"""Sessions and where they happen: venues, sessions, co-hosts and materials."""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Language
from training.querysets import (
    SessionQuerySet,
    VenueQuerySet,
)


class Topic(models.TextChoices):
    AID_OFFER = "aid_offer", _("The whole aid offer")
    SAVING = "saving", _("Saving water and energy")
    WATER_BILL = "water_bill", _("Reading the water bill")
    LAC = "lac", _("How the LAC works")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    RESIDENTS = "residents", _("Residents and clients")
    PARTNER_STAFF = "partner_staff", _("Partner staff and volunteers")


def topic_labels(codes: str) -> list[str]:
    labels = dict(Topic.choices)
    return [str(labels[code]) for code in codes.split() if code in labels]


class Venue(models.Model):
    """A room at an organisation's location where sessions can take place."""

    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="venues",
    )
    name = models.CharField(_("name of the room"), max_length=120)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.ForeignKey(
        "partners.Postcode",
        verbose_name=_("postcode"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    capacity = models.PositiveSmallIntegerField(_("number of seats"))
    accessibility = models.TextField(
        _("accessibility"),
        blank=True,
        help_text=_("For example: step-free entrance, lift, adapted toilet, hearing loop."),
    )
    directions = models.TextField(_("how to get there"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = VenueQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="venue_name_unique"),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="venue_capacity_gt_0"),
        ]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation.name}"

    @property
    def address(self) -> str:
        """The venue's own address, or else its organisation's."""
        street, postcode = self.street, self.postcode
        if not street and postcode is None:
            street, postcode = self.organisation.street, self.organisation.postcode
        place = f"{postcode.code} {postcode.name}" if postcode else ""
        return ", ".join(part for part in (street, place) if part)


class Session(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Open for registration")
        FULL = "full", _("Full (waiting list)")
        HELD = "held", _("Took place")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="training_sessions",
        help_text=_("The OCMW (or its internal service) whose session this is."),
    )
    organising_team = models.ForeignKey(
        "partners.Team",
        verbose_name=_("organising team"),
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    title = models.CharField(_("title"), max_length=200)
    topics = models.CharField(
        _("topics"), max_length=100, help_text=_("Topic codes separated by spaces.")
    )
    other_topic = models.CharField(_("other topic"), max_length=200, blank=True)
    audience = models.CharField(_("for whom"), max_length=16, choices=Audience.choices)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.NL
    )
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("places"))
    description = models.TextField(
        _("what it is about"), help_text=_("Short sentences in plain language.")
    )
    practical_info = models.TextField(
        _("practical information"),
        blank=True,
        help_text=_("For example: coffee from 13.30, children welcome, bring your water bill."),
    )
    interpretation = models.CharField(
        _("interpreters present"),
        max_length=200,
        blank=True,
        help_text=_("Languages someone can translate into at the session."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(_("why it is cancelled"), blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    walk_ins = models.PositiveSmallIntegerField(_("came without registration"), default=0)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every edit: a form sent with an older version is refused, not merged.
    version = models.PositiveIntegerField(default=1)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gt=0), name="session_capacity_gt_0"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="session_status_start_idx"),
            models.Index(fields=["organisation", "starts_at"], name="session_org_start_idx"),
            # Visibility is an OR over status, teams and co-hosts, so the upcoming list
            # narrows by time first (docs/benchmarks.md). No index on starts_at alone: the
            # planner would walk it from the oldest session to find the upcoming ones.
            models.Index(fields=["ends_at"], name="session_ends_idx"),
        ]
        verbose_name = _("information session")
        verbose_name_plural = _("information sessions")

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"IS-{self.pk:06d}" if self.pk else "IS-new"

    @property
    def topic_list(self) -> list[str]:
        return self.topics.split()

    @property
    def topic_labels(self) -> list[str]:
        return topic_labels(self.topics)

    @property
    def is_open_for_registration(self) -> bool:
        return (
            self.status in (self.Status.PUBLISHED, self.Status.FULL)
            and self.starts_at > timezone.now()
        )

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_closed(self) -> bool:
        """Held or cancelled: nothing about the session itself changes any more."""
        return self.status in (self.Status.HELD, self.Status.CANCELLED)


class CoHost(models.Model):
    """A partner that co-hosts a session (only with an agreement that allows co-hosting)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="cohosts")
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="cohosted_sessions"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "organisation"], name="cohost_unique")
        ]
        verbose_name = _("co-host")
        verbose_name_plural = _("co-hosts")

    def __str__(self) -> str:
        return f"{self.organisation_id} @ {self.session_id}"


def material_path(instance: Material, filename: str) -> str:
    # A random folder: file names never collide and cannot be guessed.
    return f"training/materials/{secrets.token_hex(8)}/{PurePath(filename).name}"


class Material(models.Model):
    """A file for a session: slides, a leaflet, an example water bill."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_path, max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return PurePath(self.file.name).name
