"""Registrations (with the waiting list) and evaluations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from training.models.sessions import Session
from training.querysets import (
    RegistrationQuerySet,
)


class Registration(models.Model):
    """People of one organisation registered for a session.

    Either one person by name (with consent and minimal contact data), a
    headcount ("4 people from our social grocery"), or a staff member who
    registers themselves. A registration takes its places as a whole: it is
    confirmed if they all fit, else it waits in line.
    """

    class Kind(models.TextChoices):
        NAMED = "named", _("One person, by name")
        HEADCOUNT = "headcount", _("A number of people, without names")
        SELF = "self", _("Myself")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Has a place")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="registrations")
    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("registering organisation"),
        on_delete=models.PROTECT,
        related_name="session_registrations",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    places = models.PositiveSmallIntegerField(_("number of people"), default=1)
    participant_name = models.CharField(_("name"), max_length=150, blank=True)
    participant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session_registrations",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attended = models.PositiveSmallIntegerField(_("came"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(places__gt=0), name="registration_places"),
            models.CheckConstraint(
                condition=~models.Q(kind="named")
                | (~models.Q(participant_name="") & models.Q(consent_at__isnull=False)),
                name="registration_named_has_name_and_consent",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="self") | models.Q(places=1),
                name="registration_self_is_one_place",
            ),
            models.UniqueConstraint(
                fields=["session", "participant_user"],
                condition=~models.Q(status="cancelled"),
                name="registration_self_once",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "created_at"], name="registration_line_idx"),
            models.Index(fields=["organisation", "session"], name="registration_org_idx"),
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.session_id}/{self.pk} ({self.places})"

    @property
    def display_name(self) -> str:
        """For people who may see names (the organiser and the registering organisation)."""
        if self.kind == self.Kind.HEADCOUNT:
            return ngettext("%(count)s person", "%(count)s people", self.places) % {
                "count": self.places
            }
        if self.kind == self.Kind.SELF and self.participant_user is not None:
            return self.participant_user.full_name
        return self.participant_name

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


class Evaluation(models.Model):
    """A short evaluation after the session, one per involved organisation."""

    class Usefulness(models.TextChoices):
        YES = "yes", _("Yes, useful")
        PARTLY = "partly", _("Partly")
        NO = "no", _("Not really")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="evaluations")
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    useful = models.CharField(
        _("was the session useful?"), max_length=8, choices=Usefulness.choices
    )
    missing = models.TextField(
        _("what was missing?"),
        blank=True,
        help_text=_("Do not write names or other personal details."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organisation"], name="evaluation_one_per_organisation"
            )
        ]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.session_id}: {self.useful}"
