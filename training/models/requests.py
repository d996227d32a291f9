"""Requests from partners for a session at their venue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from training.models.sessions import Audience, Session, Venue, topic_labels
from training.querysets import (
    SessionRequestQuerySet,
)


class SessionRequest(models.Model):
    """A partner asks an OCMW for a session at its venue."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        PLANNED = "planned", _("Planned")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="session_requests",
    )
    ocmw = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("OCMW"),
        on_delete=models.PROTECT,
        related_name="session_requests_received",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    topics = models.CharField(_("topics"), max_length=100)
    other_topic = models.CharField(_("other topic"), max_length=200, blank=True)
    audience = models.CharField(_("for whom"), max_length=16, choices=Audience.choices)
    preferred_from = models.DateField(_("preferably from"))
    preferred_until = models.DateField(_("preferably until"))
    preferred_moments = models.CharField(
        _("best moments"),
        max_length=200,
        blank=True,
        help_text=_("For example: Tuesday morning, after the food distribution."),
    )
    expected_people = models.PositiveSmallIntegerField(_("how many people do you expect?"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    decline_reason = models.TextField(_("why not"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SessionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preferred_until__gte=models.F("preferred_from")),
                name="session_request_period",
            ),
            models.CheckConstraint(
                condition=models.Q(expected_people__gt=0), name="session_request_people"
            ),
        ]
        indexes = [
            models.Index(fields=["ocmw", "status", "created_at"], name="session_request_inbox_idx"),
            models.Index(fields=["organisation", "created_at"], name="session_request_sent_idx"),
        ]
        verbose_name = _("session request")
        verbose_name_plural = _("session requests")

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"AV-{self.pk:06d}" if self.pk else "AV-new"

    @property
    def topic_labels(self) -> list[str]:
        return topic_labels(self.topics)
