"""Referral and case models. Arrears live in ``cases`` and are never reachable
from the referral models that partners read."""

from referrals.models.cases import (
    AgendaItem,
    ArrearsRecord,
    Case,
    CaseNote,
    Invoice,
    LacImport,
    LacSession,
    PaymentPlan,
)
from referrals.models.outreach import AttemptTally, ContactAttempt, HomeVisit, LetterTemplate
from referrals.models.referrals import (
    OPEN_STATUSES,
    Channel,
    Client,
    Consent,
    Referral,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
    ResponsePolicy,
    RetentionPolicy,
    TimelineEntry,
)

__all__ = [
    "OPEN_STATUSES",
    "AgendaItem",
    "ArrearsRecord",
    "AttemptTally",
    "Case",
    "CaseNote",
    "Channel",
    "Client",
    "Consent",
    "ContactAttempt",
    "HomeVisit",
    "Invoice",
    "LacImport",
    "LacSession",
    "LetterTemplate",
    "PaymentPlan",
    "Referral",
    "ReferralGroupObjectPermission",
    "ReferralUserObjectPermission",
    "ResponsePolicy",
    "RetentionPolicy",
    "TimelineEntry",
]
