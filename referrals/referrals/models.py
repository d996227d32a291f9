"""Accompanied referrals: the client, their consent, the referral and its timeline.

A referral belongs to its referring team and its receiving team (real foreign
keys, indexed together with the status): ``Referral.objects.visible_to(user)``
filters on those. Per-referral guardian grants exist only for exceptions.
Arrears never live here (see the cases issue): partners read these models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from referrals.referrals.querysets import ReferralQuerySet


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Home visit")
    PARTNER = "partner", _("Through the partner")


class Client(models.Model):
    """The person being referred. Minimal on purpose: no national register number."""

    full_name = models.CharField(_("name"), max_length=150)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.ForeignKey(
        "partners.Postcode", verbose_name=_("postcode"), on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="nl")
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    preferred_channel = models.CharField(
        _("best way to reach them"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    preferred_times = models.CharField(_("best moments"), max_length=200, blank=True)
    voicemail_allowed = models.BooleanField(
        _("a voicemail may be left"),
        default=False,
        help_text=_("Only after the client's name is confirmed on the voicemail greeting."),
    )
    closed_envelope = models.BooleanField(
        _("post only in a closed envelope without logo"),
        default=False,
        help_text=_("For example when the mailbox is shared."),
    )
    trusted_person = models.CharField(_("trusted person"), max_length=200, blank=True)
    # Messages the OCMW sends from the portal (referrals.messaging) follow these.
    sms_allowed = models.BooleanField(_("text messages may be sent"), default=True, db_default=True)
    email_allowed = models.BooleanField(_("e-mails may be sent"), default=True, db_default=True)
    reminders_allowed = models.BooleanField(
        _("wants reminders"),
        default=True,
        db_default=True,
        help_text=_("A reminder before an appointment or the LAC session."),
    )
    discreet_messages = models.BooleanField(
        _("discreet messages only"),
        default=False,
        db_default=False,
        help_text=_(
            "Others may read the phone or the mailbox: messages say nothing about water or money."
        ),
    )
    phone_unreachable_at = models.DateTimeField(
        _("phone number found not to work on"), null=True, blank=True
    )
    email_unreachable_at = models.DateTimeField(
        _("e-mail address found not to work on"), null=True, blank=True
    )
    registered_by_team = models.ForeignKey(
        "partners.Team", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["postcode", "full_name"], name="client_address_idx"),
            # The LAC-list import looks clients up by the names in the file.
            models.Index(fields=["full_name"], name="client_name_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def language_name(self) -> str:
        """The language by its name in the reader's language ("Arabisch"), not its code."""
        from partners.models import Language

        return str(dict(Language.choices).get(self.language, self.language))


class Referral(models.Model):
    class Reason(models.TextChoices):
        WATER = "water", _("Water bill")
        ENERGY = "energy", _("Energy")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Sent to the OCMW")
        ACKNOWLEDGED = "acknowledged", _("Received by the OCMW")
        CONTACT_MADE = "contact_made", _("Contact made")
        APPOINTMENT = "appointment", _("Appointment planned")
        CLOSED = "closed", _("Closed")
        REFUSED = "refused", _("Not taken on")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    class Outcome(models.TextChoices):
        HELPED = "helped", _("Helped")
        REFERRED_ON = "referred_on", _("Referred on")
        DECLINED = "declined", _("Client declined")
        UNREACHABLE = "unreachable", _("Could not be reached")

    class RefusalReason(models.TextChoices):
        NOT_OUR_AREA = "not_our_area", _("Not our area")
        NOT_OUR_SERVICE = "not_our_service", _("We do not offer this help")
        ALREADY_KNOWN = "already_known", _("Already being helped")
        INCOMPLETE = "incomplete", _("Not enough information to act")

    class ContactVia(models.TextChoices):
        DIRECT = "direct", _("Contact the client directly")
        PARTNER = "partner", _("Contact the client through us")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="referrals")
    referring_team = models.ForeignKey(
        "partners.Team", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_created"
    )
    receiving_ocmw = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    receiving_team = models.ForeignKey(
        "partners.Team", on_delete=models.PROTECT, related_name="referrals_received"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    lac_letter_received = models.BooleanField(
        _("the client received a letter about a LAC session"), default=False
    )
    lac_session_date = models.DateField(_("date of the LAC session"), null=True, blank=True)
    supply_limited = models.BooleanField(_("the water supply is already limited"), default=False)
    description = models.TextField(
        _("what is going on"),
        max_length=2000,
        help_text=_("A few sentences. Do not write amounts or other financial details."),
    )
    offers_to_accompany = models.BooleanField(
        _("we can come along to the first appointment"), default=False
    )
    accompany_availability = models.CharField(
        _("when we can come along"), max_length=200, blank=True
    )
    contact_via = models.CharField(
        _("how the OCMW contacts the client"),
        max_length=10,
        choices=ContactVia.choices,
        default=ContactVia.DIRECT,
    )
    heard_at_session = models.ForeignKey(
        "training.Session",
        verbose_name=_("heard of the OCMW at an information session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_heard_here",
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.DRAFT
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_assigned",
    )
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    appointment_place = models.CharField(_("place"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    refusal_reason = models.CharField(
        _("reason for not taking it on"), max_length=16, choices=RefusalReason.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(
                fields=["referring_team", "status", "-created_at"], name="referral_sent_idx"
            ),
            models.Index(
                fields=["receiving_team", "status", "submitted_at"], name="referral_inbox_idx"
            ),
            models.Index(fields=["receiving_ocmw", "submitted_at"], name="referral_ocmw_idx"),
            # "My referrals", newest first: the first page comes straight from the index
            # instead of sorting all of a team's referrals (docs/benchmarks.md).
            models.Index(
                fields=["referring_team", "-created_at", "-id"], name="referral_sent_recent_idx"
            ),
            # The inbox's default view: open referrals, oldest unacknowledged first.
            models.Index(
                models.F("receiving_team"),
                models.F("acknowledged_at").asc(nulls_first=True),
                models.F("submitted_at"),
                models.F("id"),
                name="referral_inbox_open_idx",
                condition=models.Q(
                    status__in=["acknowledged", "appointment", "contact_made", "submitted"]
                ),
            ),
        ]
        permissions = [("view_referral_exception", _("May see this referral (exception)"))]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"DV-{self.pk:06d}" if self.pk else "DV-new"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def urgent(self) -> bool:
        return self.supply_limited or self.lac_letter_received


# What the referrer reads when a referral is not taken on: why, in plain words, and
# what they can do next. Their referral page and the notification both read it here.
REFUSAL_EXPLAINED = {
    Referral.RefusalReason.NOT_OUR_AREA: (
        _("The client lives outside the area this OCMW works for."),
        _("Send a new referral to the OCMW of the client's municipality."),
    ),
    Referral.RefusalReason.NOT_OUR_SERVICE: (
        _("This OCMW does not offer the help that was asked for."),
        _("Look in the directory for an organisation that offers this help."),
    ),
    Referral.RefusalReason.ALREADY_KNOWN: (
        _("The OCMW already helps this client."),
        _("You need not do anything."),
    ),
    Referral.RefusalReason.INCOMPLETE: (
        _("The OCMW had too little information to act on it."),
        _("Add what is missing and send it again as a new referral."),
    ),
}


OPEN_STATUSES = {
    Referral.Status.SUBMITTED,
    Referral.Status.ACKNOWLEDGED,
    Referral.Status.CONTACT_MADE,
    Referral.Status.APPOINTMENT,
}


class Consent(models.Model):
    """What the client agreed to, per purpose, and how. Recorded before submission."""

    class Method(models.TextChoices):
        SPOKEN = "spoken", _("Said yes out loud")
        SIGNED = "signed", _("Signed a form")

    class Feedback(models.TextChoices):
        STATUS = "status", _("The status of the referral")
        NONE = "none", _("Nothing")

    TEXT_VERSION = "2026-1"

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="consent")
    share_details = models.BooleanField(_("the OCMW may receive the client's details"))
    ocmw_may_contact = models.BooleanField(_("the OCMW may contact the client"))
    feedback = models.CharField(_("what we may hear back"), max_length=8, choices=Feedback.choices)
    method = models.CharField(_("how the client agreed"), max_length=8, choices=Method.choices)
    given_by = models.CharField(
        _("who agreed"),
        max_length=150,
        help_text=_("The client, or their trusted person."),
    )
    given_at = models.DateTimeField(_("when"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text_version = models.CharField(max_length=16, default=TEXT_VERSION)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.referral} ({self.given_at:%Y-%m-%d})"

    @property
    def allows_feedback(self) -> bool:
        return self.withdrawn_at is None and self.feedback == self.Feedback.STATUS

    @property
    def is_complete(self) -> bool:
        return self.withdrawn_at is None and self.share_details and self.ocmw_may_contact


class TimelineEntry(models.Model):
    """Append-only history of a referral. Never updated, never deleted."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=14, blank=True)
    to_status = models.CharField(max_length=14, blank=True)
    message = models.TextField(blank=True)
    visible_to_referrer = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        indexes = [models.Index(fields=["referral", "at"], name="timeline_referral_idx")]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Timeline entries are append-only.")
        super().save(*args, **kwargs)


class ResponsePolicy(models.Model):
    """How fast an OCMW promises to acknowledge referrals (in working days)."""

    ocmw = models.OneToOneField(
        "partners.Organisation", on_delete=models.CASCADE, related_name="response_policy"
    )
    remind_after_days = models.PositiveSmallIntegerField(
        _("remind after (working days)"), default=2
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("tell the coordinator after (working days)"), default=4
    )
    expire_after_days = models.PositiveSmallIntegerField(
        _("expire after (working days)"), default=10
    )

    class Meta:
        verbose_name = _("response policy")
        verbose_name_plural = _("response policies")

    def __str__(self) -> str:
        return str(self.ocmw)


class ReferralUserObjectPermission(UserObjectPermissionBase):
    """Exception: a person of another organisation (e.g. an accompanying worker)."""

    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    """Exception: an extra team the referral is shared with."""

    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class RetentionPolicy(models.Model):
    """How long an OCMW keeps finished referrals and closed cases with names attached."""

    ocmw = models.OneToOneField(
        "partners.Organisation", on_delete=models.CASCADE, related_name="retention_policy"
    )
    referral_months = models.PositiveSmallIntegerField(
        _("keep finished referrals (months)"), default=24
    )
    case_months = models.PositiveSmallIntegerField(_("keep closed cases (months)"), default=60)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return str(self.ocmw)
