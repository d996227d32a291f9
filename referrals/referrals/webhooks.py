"""Referral status events for the organisations' webhooks.

Every referral status change (``referrals.referrals.services._move``) calls
``referral_event``, which writes one delivery per interested endpoint in the
same transaction as the change; the kernel (``portal.core.webhooks``) signs,
sends and retries them.

What is sent follows the API's visibility rules: the referring organisation
gets what its workers see in the API (reference and, while consent allows
feedback, the status); the receiving OCMW gets the referral's routing and
status. Neither gets client details, descriptions or case data: an endpoint is
registered by an organisation admin, who may not see referrals themselves, and
whoever needs the details fetches them through the API with their own token.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portal.core.models import WebhookDelivery, WebhookEndpoint
from portal.core.webhooks import enqueue
from referrals.referrals.models import Referral
from referrals.referrals.permissions import referrer_sees_status

REFERRAL_EVENTS = {
    "submit": "referral.submitted",
    "acknowledge": "referral.acknowledged",
    "record_contact": "referral.contact_made",
    "plan_appointment": "referral.appointment_planned",
    "close": "referral.closed",
    "refuse": "referral.refused",
    "withdraw": "referral.withdrawn",
    "expire": "referral.expired",
    "transfer": "referral.transferred",
}

NEUTRAL_EVENT = "referral.updated"


def _api_url(referral) -> str:
    path = reverse("api:referral-detail", args=[referral.pk])
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def referrer_payload(referral, *, sees_status: bool) -> dict:
    """What the referring organisation's workers see in the API's ``sent`` list."""
    return {
        "id": referral.pk,
        "reference": referral.reference,
        "status": referral.status if sees_status else None,
        "version": referral.version,
        "url": _api_url(referral),
    }


def receiver_payload(referral) -> dict:
    """Routing and status for the receiving OCMW; client details stay behind the API."""
    return {
        "id": referral.pk,
        "reference": referral.reference,
        "status": referral.status,
        "reason": referral.reason,
        "urgent": referral.urgent,
        "receiving_team": {"id": referral.receiving_team_id, "name": referral.receiving_team.name},
        "referring_organisation": referral.referring_team.organisation.name,
        "submitted_at": _when(referral.submitted_at),
        "acknowledged_at": _when(referral.acknowledged_at),
        "first_contact_at": _when(referral.first_contact_at),
        "closed_at": _when(referral.closed_at),
        "version": referral.version,
        "url": _api_url(referral),
    }


def referral_event(referral, action: str) -> list[WebhookDelivery]:
    """Queue the event for ``action`` to the referrer's and the receiver's endpoints.

    Called inside the service's transaction: the deliveries commit (or roll
    back) with the status change itself.
    """
    event = REFERRAL_EVENTS.get(action)
    if event is None:
        return []

    referrer_id = referral.referring_team.organisation_id
    receiver_id = referral.receiving_ocmw_id
    endpoints = WebhookEndpoint.objects.filter(
        is_active=True, organisation_id__in={referrer_id, receiver_id}
    )
    now = timezone.now()
    deliveries = []
    for endpoint in endpoints:
        if endpoint.organisation_id == receiver_id:
            name, role, body = event, "receiver", receiver_payload(referral)
        else:
            sees = referral.status == Referral.Status.DRAFT or referrer_sees_status(referral)
            name, role = (event if sees else NEUTRAL_EVENT), "referrer"
            body = referrer_payload(referral, sees_status=sees)
        key = uuid.uuid4()
        payload = {
            "event": name,
            "delivery": str(key),
            "occurred_at": now.isoformat(),
            "organisation": endpoint.organisation_id,
            "role": role,
            "referral": body,
        }
        deliveries.append(
            WebhookDelivery(
                endpoint=endpoint, event=name, uuid=key, payload=payload, next_attempt_at=now
            )
        )
    if deliveries:
        WebhookDelivery.objects.bulk_create(deliveries)
        enqueue([d.uuid for d in deliveries])
    return deliveries
