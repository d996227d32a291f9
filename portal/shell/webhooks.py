"""Managing an organisation's webhook endpoints (its admins only).

The signing, sending and retrying of deliveries is the kernel's
(``portal.core.webhooks``); which events exist is the business of the app that
raises them (``referrals.referrals.webhooks``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Organisation
from partners.permissions import can_manage_members
from portal.core import audit
from portal.core.exceptions import ActionRefused
from portal.core.models import User, WebhookDelivery, WebhookEndpoint
from portal.core.webhooks import encrypt_secret, enqueue, new_secret, validate_url


def _require_admin(actor: User, organisation: Organisation) -> None:
    if not can_manage_members(actor, organisation):
        raise PermissionDenied


@transaction.atomic
def create_endpoint(
    organisation: Organisation, *, actor: User, url: str, description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Register an address for ``organisation``. Returns it with its secret (shown once)."""
    _require_admin(actor, organisation)
    validate_url(url)
    if WebhookEndpoint.objects.filter(organisation=organisation, url=url.strip()).exists():
        raise ActionRefused(_("This address is already registered."))
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation,
        url=url.strip(),
        description=description.strip(),
        encrypted_secret=encrypt_secret(secret),
        created_by=actor,
    )
    audit.record(
        "webhook.created", endpoint, actor=actor, organisation=organisation, data={"url": url}
    )
    return endpoint, secret


@transaction.atomic
def rotate_secret(endpoint: WebhookEndpoint, *, actor: User) -> str:
    """Give the endpoint a new secret; the old one stops working at once."""
    _require_admin(actor, endpoint.organisation)
    secret = new_secret()
    endpoint.encrypted_secret = encrypt_secret(secret)
    endpoint.secret_rotated_at = timezone.now()
    endpoint.save(update_fields=["encrypted_secret", "secret_rotated_at"])
    audit.record(
        "webhook.secret_rotated", endpoint, actor=actor, organisation=endpoint.organisation
    )
    return secret


@transaction.atomic
def set_active(endpoint: WebhookEndpoint, *, actor: User, active: bool) -> WebhookEndpoint:
    """Switch an endpoint on or off. While off, nothing is sent to it."""
    _require_admin(actor, endpoint.organisation)
    endpoint.is_active = active
    endpoint.save(update_fields=["is_active"])
    audit.record(
        "webhook.activated" if active else "webhook.deactivated",
        endpoint,
        actor=actor,
        organisation=endpoint.organisation,
    )
    return endpoint


@transaction.atomic
def retry_delivery(delivery: WebhookDelivery, *, actor: User) -> WebhookDelivery:
    """Send a failed delivery again, now (for example after fixing the receiver)."""
    _require_admin(actor, delivery.endpoint.organisation)
    if delivery.delivered_at is not None:
        raise ActionRefused(_("This message was already delivered."))
    if not delivery.endpoint.is_active:
        raise ActionRefused(_("Switch the webhook on first."))
    delivery.failed_at = None
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["failed_at", "next_attempt_at"])
    enqueue([delivery.uuid])
    return delivery
