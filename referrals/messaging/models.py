"""Messages the OCMW sends its clients from the portal: text messages and e-mails.

Arrears-team data, under the case rule: read through
``ClientMessage.objects.visible_to`` (the OCMWs whose arrears the person handles).
A partner never sees that a message exists, let alone what it said.

Each message is one row and one background job. The row is the job's key: the job
claims it (``queued`` → ``sending``) before it talks to the provider, so a job run
twice never sends twice; a send interrupted half-way ends ``uncertain`` for a
person to check, never sent again on its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from referrals.messaging.querysets import ClientMessageQuerySet, InboundMessageQuerySet


class Channel(models.TextChoices):
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")


class MessageLanguage(models.TextChoices):
    """The languages the OCMW writes its templates in; other clients get Dutch."""

    NL = "nl", _("Dutch")
    FR = "fr", _("French")
    EN = "en", _("English")


class MessageTemplate(models.Model):
    """A short text of one OCMW, in one language, kept by its coordinators.

    Templates with the same name are one message in several languages: the client
    gets the one in their language, or the Dutch one."""

    class Purpose(models.TextChoices):
        GENERAL = "general", _("A message from the case")
        APPOINTMENT = "appointment", _("Reminder of an appointment")
        LAC_SESSION = "lac_session", _("Reminder of the LAC session")

    ocmw = models.ForeignKey(
        "partners.Organisation", on_delete=models.CASCADE, related_name="message_templates"
    )
    name = models.CharField(_("name"), max_length=100)
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    purpose = models.CharField(_("used for"), max_length=12, choices=Purpose.choices)
    language = models.CharField(
        _("language"), max_length=2, choices=MessageLanguage.choices, default="nl"
    )
    subject = models.CharField(_("subject (e-mail)"), max_length=150, blank=True)
    body = models.TextField(
        _("text"),
        max_length=1000,
        help_text=_(
            "Use {client}, {ocmw}, {ocmw_phone}, {worker}, {appointment}, {session_date}; "
            "{arrears} only in a template that may show the arrears."
        ),
    )
    discreet = models.BooleanField(
        _("discreet"),
        default=False,
        help_text=_("Says nothing about water or money: fit for a phone others may read."),
    )
    shows_arrears = models.BooleanField(
        _("may show the arrears amount"),
        default=False,
        help_text=_("Only for the arrears team's own messages, when the OCMW chooses so."),
    )
    updated_at = models.DateTimeField(_("changed on"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["purpose", "name", "language"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["ocmw", "channel", "name", "language"], name="message_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_channel_display()}, {self.language})"


class ClientMessage(models.Model):
    """One text message or e-mail to a client: what it said, and what became of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Not delivered")
        UNCERTAIN = "uncertain", _("Unknown: sending was interrupted")
        CANCELLED = "cancelled", _("Not sent")

    OPEN = frozenset({"queued", "sending"})

    case = models.ForeignKey("referrals.Case", on_delete=models.CASCADE, related_name="messages")
    # Denormalised from the case: the rate limit and the what-works report read an OCMW.
    ocmw = models.ForeignKey("partners.Organisation", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    purpose = models.CharField(
        _("used for"), max_length=12, choices=MessageTemplate.Purpose.choices
    )
    template = models.ForeignKey(
        MessageTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=2, choices=MessageLanguage.choices)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=150, blank=True)
    body = models.TextField(_("text"))
    # What makes the message once: a session's reminder to a client is one message,
    # however often the round runs ("lac:<session>:<case>"); a message sent from the
    # case page carries the form's own key, so a double click sends one.
    key = models.CharField(max_length=100, unique=True)
    status = models.CharField(
        _("status"), max_length=9, choices=Status.choices, default=Status.QUEUED
    )
    status_detail = models.CharField(_("detail"), max_length=200, blank=True)
    provider = models.CharField(_("provider"), max_length=20, blank=True)
    provider_ref = models.CharField(_("provider's reference"), max_length=64, blank=True)
    send_after = models.DateTimeField(_("not before"))
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # Hand-overs the provider surely did not take (down, busy); the message fails after
    # services.MAX_TRIES of them.
    tries = models.PositiveSmallIntegerField(default=0)
    session = models.ForeignKey(
        "referrals.LacSession",
        verbose_name=_("LAC session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attempt = models.OneToOneField(
        "referrals.ContactAttempt",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="message",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered on"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed on"), null=True, blank=True)

    objects = ClientMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message to a client")
        verbose_name_plural = _("messages to clients")
        indexes = [
            models.Index(fields=["case", "-created_at"], name="message_case_idx"),
            # What the minute's sweep reads: messages waiting for their moment.
            models.Index(
                fields=["send_after"],
                name="message_due_idx",
                condition=models.Q(status="queued", enqueued_at__isnull=True),
            ),
            # The rate limit counts an OCMW's sends of the last minute; the report
            # counts an OCMW-period by channel and status.
            models.Index(fields=["ocmw", "claimed_at"], name="message_ocmw_claimed_idx"),
            models.Index(
                fields=["ocmw", "created_at", "channel", "status"], name="message_report_idx"
            ),
            models.Index(fields=["provider", "provider_ref"], name="message_provider_ref_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.channel} {self.status}"


class InboundMessage(models.Model):
    """A text message a client sent back; on the case of the message it answers."""

    case = models.ForeignKey(
        "referrals.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    ocmw = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    in_reply_to = models.ForeignKey(
        ClientMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    from_number = models.CharField(_("from"), max_length=32)
    body = models.TextField(_("text"))
    provider = models.CharField(max_length=20)
    provider_ref = models.CharField(max_length=64)
    received_at = models.DateTimeField(_("received on"), auto_now_add=True)

    objects = InboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("reply from a client")
        verbose_name_plural = _("replies from clients")
        constraints = [
            # A provider that calls twice (it retries until answered) stores one reply.
            models.UniqueConstraint(
                fields=["provider", "provider_ref"], name="inbound_message_once"
            )
        ]
        indexes = [models.Index(fields=["case", "-received_at"], name="inbound_case_idx")]

    def __str__(self) -> str:
        return f"{self.from_number} {self.received_at:%Y-%m-%d %H:%M}"


class SessionReminder(models.Model):
    """The reminder round of one LAC session: which template, how many days before,
    and what the last run did."""

    session = models.OneToOneField(
        "referrals.LacSession", on_delete=models.CASCADE, related_name="reminder"
    )
    template = models.ForeignKey(
        MessageTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+"
    )
    days_before = models.PositiveSmallIntegerField(_("days before the session"), default=3)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ran_at = models.DateTimeField(_("last run on"), null=True, blank=True)
    # What the last run found, per reason (see services.REMINDER_COUNTS).
    counts = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("LAC session reminder")
        verbose_name_plural = _("LAC session reminders")

    def __str__(self) -> str:
        return f"{self.session} −{self.days_before}"
