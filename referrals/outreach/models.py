"""Reaching the client: contact attempts, letter templates, home visits.

OCMW-only data, under the same rule as cases: read through
``Case.objects.visible_to``. The one thing a partner may learn is that an
attempt *through that partner* happened, and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.outreach.querysets import HomeVisitQuerySet


class ContactAttempt(models.Model):
    class Channel(models.TextChoices):
        LETTER = "letter", _("Letter")
        PHONE = "phone", _("Phone call")
        SMS = "sms", _("Text message")
        EMAIL = "email", _("E-mail")
        CARD_HANDWRITTEN = "card_handwritten", _("Handwritten card")
        CARD_PRINTED = "card_printed", _("Printed card")
        VISIT_ANNOUNCED = "visit_announced", _("Home visit, announced")
        VISIT_UNANNOUNCED = "visit_unannounced", _("Home visit, unannounced")
        APPOINTMENT_OFFERED = "appointment_offered", _("Appointment offered at the OCMW")
        VIA_PARTNER = "via_partner", _("Through a partner organisation")

    class Outcome(models.TextChoices):
        NO_ANSWER = "no_answer", _("No answer")
        VOICEMAIL = "voicemail", _("Voicemail left")
        DELIVERED = "delivered", _("Message delivered")
        REACHED = "reached", _("Client reached")
        APPOINTMENT = "appointment", _("Appointment made")
        CLIENT_CAME = "client_came", _("Client came")
        RETURNED = "returned", _("Returned to sender")
        WRONG_NUMBER = "wrong_number", _("Wrong number or address")
        # A text message or e-mail sent from the portal, until the provider reports.
        SENT = "sent", _("Sent, delivery not known yet")
        FAILED = "failed", _("Could not be delivered")

    REACHED_OUTCOMES = frozenset({"reached", "appointment", "client_came"})
    PAPER = frozenset({"letter", "card_handwritten", "card_printed"})
    VISITS = frozenset({"visit_announced", "visit_unannounced"})
    # Set by the portal for its own messages (referrals.messaging), never typed in.
    PORTAL_OUTCOMES = frozenset({"sent", "failed"})

    case = models.ForeignKey("referrals.Case", on_delete=models.CASCADE, related_name="attempts")
    # Denormalised from the case: the what-works report filters an OCMW-year by it.
    ocmw = models.ForeignKey("partners.Organisation", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    with_logo = models.BooleanField(_("with the OCMW's logo"), null=True, blank=True)
    in_envelope = models.BooleanField(_("in an envelope"), null=True, blank=True)
    mentions_cutoff = models.BooleanField(_("mentions the risk of cut-off"), null=True, blank=True)
    moment = models.DateTimeField(_("when"), default=timezone.now)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices)
    partner = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("partner that helped"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    template = models.ForeignKey(
        "referrals.LetterTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-moment", "-id"]
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        indexes = [
            models.Index(fields=["case", "-moment"], name="attempt_case_idx"),
            # The what-works report reads an OCMW-year from the index alone (index-only
            # scan), without visiting the table (docs/benchmarks.md).
            models.Index(
                fields=[
                    "ocmw",
                    "moment",
                    "channel",
                    "outcome",
                    "with_logo",
                    "in_envelope",
                    "mentions_cutoff",
                    "id",
                ],
                name="attempt_ocmw_report_idx",
            ),
            models.Index(fields=["partner", "-moment"], name="attempt_partner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.channel} {self.moment:%Y-%m-%d}"

    @property
    def reached(self) -> bool:
        return self.outcome in self.REACHED_OUTCOMES

    @property
    def time_slot(self) -> str:
        return time_slot(timezone.localtime(self.moment).hour)


def time_slot(hour: int) -> str:
    if hour < 12:
        return "morning"
    if hour < 17:
        return "afternoon"
    return "evening"


class AttemptTally(models.Model):
    """Contact attempts counted per OCMW, local day, channel, letter variant and time
    of day: what the what-works report reads, so its cost follows the number of days
    in the period rather than the number of attempts (a year of the largest OCMW is
    some 270,000 attempts and 30,000 tallies; docs/benchmarks.md).

    Written together with each attempt (``outreach.log_attempt``); recomputed from the
    attempts by ``manage.py rebuild_attempt_tallies``. Anonymous counts: they stay when
    a case and its attempts are deleted under the retention rules. Two rows with the
    same key may exist (two first attempts of a kind logged at the same instant); the
    report sums them, so that is harmless and needs no lock.
    """

    class Slot(models.TextChoices):
        MORNING = "morning", _("Morning (before 12:00)")
        AFTERNOON = "afternoon", _("Afternoon (12:00-17:00)")
        EVENING = "evening", _("Evening (after 17:00)")

    # Indexed by attempt_tally_day_idx, which starts with it.
    ocmw = models.ForeignKey(
        "partners.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()
    channel = models.CharField(max_length=20, choices=ContactAttempt.Channel.choices)
    with_logo = models.BooleanField(null=True)
    in_envelope = models.BooleanField(null=True)
    mentions_cutoff = models.BooleanField(null=True)
    slot = models.CharField(max_length=9, choices=Slot.choices)
    attempts = models.PositiveIntegerField(default=0)
    reached = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            # Covering: the report reads an OCMW's days from the index alone, without
            # visiting the table rows, which lie scattered among all OCMWs' tallies.
            models.Index(
                fields=[
                    "ocmw",
                    "day",
                    "channel",
                    "with_logo",
                    "in_envelope",
                    "mentions_cutoff",
                    "slot",
                    "attempts",
                    "reached",
                ],
                name="attempt_tally_day_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ocmw_id} {self.day} {self.channel} {self.slot}: {self.attempts}"

    @staticmethod
    def key_of(attempt: ContactAttempt) -> dict:
        local = timezone.localtime(attempt.moment)
        return {
            "ocmw_id": attempt.ocmw_id,
            "day": local.date(),
            "channel": attempt.channel,
            "with_logo": attempt.with_logo,
            "in_envelope": attempt.in_envelope,
            "mentions_cutoff": attempt.mentions_cutoff,
            "slot": time_slot(local.hour),
        }


class LetterTemplate(models.Model):
    """A plain-language letter or card of one OCMW, edited by its coordinators."""

    class Kind(models.TextChoices):
        LETTER = "letter", _("Letter (A4)")
        CARD = "card", _("Card (A6)")

    ocmw = models.ForeignKey(
        "partners.Organisation", on_delete=models.CASCADE, related_name="letter_templates"
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Use {client}, {address}, {appointment}, {ocmw}, {ocmw_phone}, {ocmw_address}. "
            "The partner's contact block is added on its own where allowed."
        ),
    )
    with_logo = models.BooleanField(_("print the logo"), default=True)
    mentions_cutoff = models.BooleanField(_("mentions the risk of cut-off"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [
            models.UniqueConstraint(fields=["ocmw", "name"], name="letter_template_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class HomeVisit(models.Model):
    """A home visit with its safety log: registered before leaving, checked in and out."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ON_SITE = "on_site", _("On site")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey("referrals.Case", on_delete=models.CASCADE, related_name="visits")
    ocmw = models.ForeignKey("partners.Organisation", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("partners.Team", on_delete=models.PROTECT, related_name="visits")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="home_visits"
    )
    second_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second worker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=250)
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("until"))
    announced = models.BooleanField(_("announced"), default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)
    attempt = models.OneToOneField(
        ContactAttempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HomeVisitQuerySet.as_manager()

    class Meta:
        ordering = ["window_start"]
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        indexes = [
            models.Index(fields=["team", "status", "window_end"], name="visit_board_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.window_start:%Y-%m-%d %H:%M}"

    def is_worker(self, user) -> bool:
        """The person goes on this visit (as its worker or the second worker)."""
        return user.pk in (self.worker_id, self.second_worker_id)
