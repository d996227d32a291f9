"""The OCMW side: cases, arrears, LAC sessions and the water company's list.

Everything here is read only by members of the owning OCMW's arrears-handling
teams (``Case.objects.visible_to``). Nothing in the referral models points
here: a case links to referrals, never the other way round, so no partner
serializer or template can reach a case by following a relation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.cases.querysets import (
    AgendaItemQuerySet,
    CaseQuerySet,
    LacImportQuerySet,
    LacSessionQuerySet,
)


class Case(models.Model):
    """A household's file (dossier) at an OCMW."""

    class Origin(models.TextChoices):
        REFERRAL = "referral", _("Referral by a partner")
        LAC_LIST = "lac_list", _("The water company's LAC list")
        WALK_IN = "walk_in", _("Came to the OCMW")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        REACHED = "reached", _("Client reached")
        CLOSED = "closed", _("Closed")

    ocmw = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="cases"
    )
    client = models.ForeignKey("referrals.Client", on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(_("came in through"), max_length=10, choices=Origin.choices)
    team = models.ForeignKey(
        "partners.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="cases"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("social worker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    reached_at = models.DateTimeField(_("client reached on"), null=True, blank=True)
    # A case links to referrals; related_name "+" keeps the reverse away from
    # referral objects that partners read.
    referrals = models.ManyToManyField("referrals.Referral", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["ocmw", "status", "-created_at"], name="case_ocmw_idx"),
            # The what-works report's time to first contact reads a year of an OCMW's
            # cases from the index alone (the largest OCMW: 12,500 scattered rows).
            models.Index(fields=["ocmw", "created_at", "reached_at"], name="case_opened_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"DS-{self.pk:06d}" if self.pk else "DS-new"


class CaseNote(models.Model):
    """A social worker's note on a case (professional secrecy: OCMW only)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return f"{self.case} {self.created_at:%Y-%m-%d}"


class ArrearsRecord(models.Model):
    """The water account and what is owed on it. Arrears data: see the module docstring."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="arrears")
    water_company = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("water company"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "water_company"},
    )
    customer_number = models.CharField(_("customer number"), max_length=40)
    amount_outstanding = models.DecimalField(
        _("amount outstanding"), max_digits=10, decimal_places=2
    )
    protected_customer = models.BooleanField(_("protected customer (social tariff)"), default=False)
    flow_limiter_since = models.DateField(_("flow limiter in place since"), null=True, blank=True)
    justification_note = models.TextField(_("the water company's justification note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("arrears record")
        verbose_name_plural = _("arrears records")
        constraints = [
            models.UniqueConstraint(
                fields=["water_company", "customer_number"], name="arrears_account_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} ({self.water_company_id})"


def change_text(value) -> str | bool | None:
    """A value as an ``ArrearsChange`` keeps it: text, a yes/no, or None."""
    if value is None or isinstance(value, bool):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class ArrearsChange(models.Model):
    """What an arrears record held before and after one change, field by field.

    Arrears data: kept beside the record, for the arrears team (the arrears page) and
    the privacy officer's export only. The audit log, which platform admins read,
    names the changed fields, never their values.
    """

    class Source(models.TextChoices):
        EDIT = "edit", _("Changed by hand")
        LAC_IMPORT = "lac_import", _("LAC list")

    record = models.ForeignKey(ArrearsRecord, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    # {field: [before, after]}, values as text (None for empty); "before" is None
    # for every field of a new record.
    values = models.JSONField()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("arrears change")
        verbose_name_plural = _("arrears changes")
        indexes = [models.Index(fields=["record", "-at"], name="arrears_change_record_idx")]

    def __str__(self) -> str:
        return f"{self.record_id} {self.at:%Y-%m-%d %H:%M}"


class Invoice(models.Model):
    arrears = models.ForeignKey(ArrearsRecord, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=40)
    issued_on = models.DateField(_("invoice date"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["issued_on", "id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["arrears", "number"], name="invoice_number_unique")
        ]

    def __str__(self) -> str:
        return self.number


class PaymentPlan(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        KEPT = "kept", _("Kept")
        BROKEN = "broken", _("Broken")

    arrears = models.ForeignKey(
        ArrearsRecord, on_delete=models.CASCADE, related_name="payment_plans"
    )
    total_amount = models.DecimalField(_("total amount"), max_digits=10, decimal_places=2)
    instalments = models.PositiveSmallIntegerField(_("number of instalments"))
    instalment_amount = models.DecimalField(_("per instalment"), max_digits=10, decimal_places=2)
    start_date = models.DateField(_("first instalment on"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.RUNNING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Rows written in bulk (the LAC import) rely on the database's default.
    version = models.PositiveIntegerField(default=1, db_default=1)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")

    def __str__(self) -> str:
        return f"{self.arrears_id}: {self.instalments}×"


class LacSession(models.Model):
    """A meeting of the LAC water of one OCMW."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    ocmw = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="lac_sessions"
    )
    date = models.DateField(_("date"))
    members_present = models.TextField(_("members present"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PLANNED
    )
    escalate_days_before = models.PositiveSmallIntegerField(
        _("tell the coordinator this many days before, if clients are not reached"), default=10
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Rows written in bulk (the LAC import) rely on the database's default.
    version = models.PositiveIntegerField(default=1, db_default=1)

    objects = LacSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("LAC session")
        verbose_name_plural = _("LAC sessions")
        constraints = [
            models.UniqueConstraint(fields=["ocmw", "date"], name="lac_session_one_per_day")
        ]

    def __str__(self) -> str:
        return f"LAC {self.date:%d/%m/%Y}"


class AgendaItem(models.Model):
    """A case on a session's agenda, and the LAC's decision on it."""

    class Decision(models.TextChoices):
        NO_ACTION = "no_action", _("No action")
        CONDITIONAL = "conditional", _("Conditional: payment plan")
        FLOW_LIMITING = "flow_limiting", _("Flow limiting")
        DISCONNECTION = "disconnection", _("Disconnection")
        LIFTED = "lifted", _("Limiter lifted / reconnection")
        POSTPONED = "postponed", _("Postponed")

    session = models.ForeignKey(LacSession, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    # An agenda can hold tens of thousands of files (a list of all of Flanders' arrears).
    position = models.PositiveIntegerField(default=0)
    decision = models.CharField(_("decision"), max_length=14, choices=Decision.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    payment_plan = models.ForeignKey(
        PaymentPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Rows written in bulk (the LAC import) rely on the database's default.
    version = models.PositiveIntegerField(default=1, db_default=1)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["session", "case"], name="agenda_case_once")]
        # The session page and its print read the agenda in this order, a page or a
        # chunk at a time (``AgendaItemQuerySet.in_chunks``).
        indexes = [
            models.Index(fields=["session", "position", "id"], name="agenda_session_order_idx")
        ]

    def __str__(self) -> str:
        return f"{self.session} — {self.case}"


class LacImport(models.Model):
    """An uploaded LAC list: checked first (a preview), imported on confirmation.

    A long list (more than ``lac_import.BACKGROUND_ROWS`` rows) is checked and imported by
    a worker; ``phase``, ``progress_done``/``progress_total`` and ``heartbeat_at`` tell the
    person waiting how far it got (see ``lac_import.Progress``)."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        PREVIEW = "preview", _("Waiting for confirmation")
        QUEUED = "queued", _("Waiting to be imported")
        IMPORTING = "importing", _("Being imported")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")

    class Phase(models.TextChoices):
        CHECK = "check", _("Checking the rows")
        MATCH = "match", _("Comparing with the cases we already have")
        WRITE = "write", _("Writing the cases and arrears")

    class Failure(models.TextChoices):
        ROWS = "rows", _("Some rows have problems")
        ERROR = "error", _("Unexpected error")

    ocmw = models.ForeignKey("partners.Organisation", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(LacSession, on_delete=models.PROTECT, related_name="imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    content = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    summary = models.JSONField(default=dict, blank=True)
    # Every row of the file, with or without problems: what decides where the work runs.
    row_count = models.PositiveIntegerField(default=0)
    # A background check keeps what the preview page shows: {"problems": [[line, text]],
    # "rows": [the first rows, as the page shows them]}; emptied when the list is imported
    # or fails (retention strips clients from ``content``, and deletes old previews).
    checked = models.JSONField(default=dict, blank=True)
    failure = models.CharField(max_length=5, choices=Failure.choices, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    phase = models.CharField(max_length=5, choices=Phase.choices, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = LacImportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("LAC list import")
        verbose_name_plural = _("LAC list imports")

    def __str__(self) -> str:
        return self.filename
