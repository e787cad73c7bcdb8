"""Registering endpoints, queueing one delivery per event and endpoint, delivering with back-off."""

import json
import secrets
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign import jobs, outbound
from campaign.audit.services import Actor, record
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.locks import lock_row
from campaign.webhooks import signing
from campaign.webhooks.models import EVENTS, DeliveryStatus, WebhookDelivery, WebhookEndpoint

# After attempt n fails, wait BACKOFF[n-1]; after the last, the delivery is marked failed.
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
DISABLED = "endpoint disabled"
TIMEOUT_SECONDS = 5.0


class InvalidEndpoint(DomainError):
    code = "invalid_webhook"
    field = "url"
    message = _l("Enter an http:// or https:// address.")


def create_endpoint(
    org_id: int, url: str, events: list[str], *, actor: Actor, now: datetime, allow_private: bool = False
) -> WebhookEndpoint:
    url = url.strip()
    if not url.startswith(("https://", "http://")):
        raise InvalidEndpoint()
    if any(c in url for c in " \r\n\t"):  # it starts right: saying so again was no help (a walk-through)
        raise InvalidEndpoint(_l("The address cannot contain spaces or line breaks."))
    if len(url) > 2000:
        raise InvalidEndpoint(_l("The address can be at most 2,000 characters."))
    outbound.check(url, allow_private=allow_private)
    if not events or not set(events) <= set(EVENTS):
        raise InvalidEndpoint(_l("Choose at least one event."), field="events")
    endpoint = WebhookEndpoint(
        org_id=org_id, url=url, events=list(events), secret="whsec_" + secrets.token_hex(24), created_at=now
    )
    db.session.add(endpoint)
    db.session.flush()
    record(
        actor,
        "webhook.created",
        org_id=org_id,
        object_type="webhook",
        object_id=endpoint.public_id,
        now=now,
        after={"url": url, "events": list(events)},
    )
    return endpoint


def set_active(endpoint: WebhookEndpoint, active: bool, *, actor: Actor, now: datetime) -> None:
    """Switches an endpoint off (nothing more is sent to it, what waits is given up) or on again."""
    endpoint = lock_row(endpoint)
    if endpoint.active is active:
        return
    endpoint.active = active
    given_up = 0
    if not active:
        waiting = db.session.scalars(
            select(WebhookDelivery).where(
                WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == DeliveryStatus.PENDING
            )
        ).all()
        for delivery in waiting:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            delivery.last_error = DISABLED
        given_up = len(waiting)
    db.session.flush()
    record(
        actor,
        "webhook.enabled" if active else "webhook.disabled",
        org_id=endpoint.org_id,
        object_type="webhook",
        object_id=endpoint.public_id,
        now=now,
        before={"active": not active},
        after={"active": active} | ({"deliveries_given_up": given_up} if given_up else {}),
    )


def delete_endpoint(endpoint: WebhookEndpoint, *, actor: Actor, now: datetime) -> None:
    """Removes an endpoint and its delivery log (the audit trail keeps what it was)."""
    record(
        actor,
        "webhook.deleted",
        org_id=endpoint.org_id,
        object_type="webhook",
        object_id=endpoint.public_id,
        now=now,
        before={"url": endpoint.url, "events": list(endpoint.events), "active": endpoint.active},
    )
    db.session.delete(endpoint)
    db.session.flush()


def queue_event(org_id: int, event: str, data: dict, *, now: datetime) -> list[WebhookDelivery]:
    """In the caller's transaction: one delivery row per subscribed endpoint, sent after commit."""
    endpoints = db.session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id, WebhookEndpoint.active.is_(True))
    ).all()
    deliveries = []
    for endpoint in endpoints:
        if event not in endpoint.events:
            continue
        body = {"id": new_public_id(), "type": event, "created": int(now.timestamp()), "data": data}
        delivery = WebhookDelivery(
            org_id=org_id,
            endpoint=endpoint,
            event=event,
            payload=json.dumps(body, ensure_ascii=False),
            next_attempt_at=now,
            created_at=now,
        )
        db.session.add(delivery)
        deliveries.append(delivery)
    if deliveries:
        db.session.flush()
        jobs.after_commit(deliver_ids, [d.id for d in deliveries])
    return deliveries


def attempt(delivery: WebhookDelivery, *, now: datetime) -> bool:
    """One POST; records the outcome and schedules the next try (caller commits). Only to public addresses
    unless OUTBOUND_ALLOW_PRIVATE, and never following a redirect."""
    if not delivery.endpoint.active:  # switched off after this delivery was queued
        delivery.status, delivery.next_attempt_at, delivery.last_error = DeliveryStatus.FAILED, None, DISABLED
        return False
    allow_private = outbound.allow_private()
    body = delivery.payload.encode()
    request = urllib.request.Request(  # noqa: S310 (the URL was checked: http or https only)
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Kuchikomi-Webhooks/1",
            signing.HEADER: signing.sign(delivery.endpoint.secret, body, int(now.timestamp())),
            "Kuchikomi-Event": delivery.event,
            "Kuchikomi-Delivery": delivery.public_id,
        },
    )
    delivery.attempts += 1
    try:
        outbound.check(delivery.endpoint.url, allow_private=allow_private)
        with outbound.opener(allow_private=allow_private).open(request, timeout=TIMEOUT_SECONDS) as response:
            delivery.last_status, delivery.last_error = response.status, ""
            ok = 200 <= response.status < 300
    except urllib.error.HTTPError as exc:
        delivery.last_status, delivery.last_error, ok = exc.code, f"HTTP {exc.code}", False
    except (outbound.UnsafeTarget, outbound.UnknownHost) as exc:
        delivery.last_status, delivery.last_error, ok = None, exc.text(), False
    except (urllib.error.URLError, OSError, ValueError) as exc:
        delivery.last_status, delivery.last_error, ok = None, str(exc)[:300], False
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    return ok


def deliver_ids(delivery_ids: list[int]) -> None:
    """A job: first attempt of freshly queued deliveries."""
    from campaign.clock import utcnow

    for delivery_id in delivery_ids:
        delivery = db.session.get(WebhookDelivery, delivery_id)
        if delivery is not None and _still_due(delivery, utcnow(), first=True):
            attempt(delivery, now=utcnow())
        db.session.commit()


def _still_due(delivery: WebhookDelivery, now: datetime, *, first: bool = False) -> bool:
    """Re-reads the delivery under its row lock: a second sender at the same moment (the first attempt's
    job beside the scheduler's retry) waits, then sees the attempt made and sends nothing."""
    lock_row(delivery)
    if delivery.status is not DeliveryStatus.PENDING:
        return False
    return delivery.attempts == 0 if first else delivery.next_attempt_at <= now


def deliver_due(*, now: datetime) -> int:
    """Retries pending deliveries whose back-off has passed (`flask webhooks deliver`, every minute)."""
    due = db.session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at)
    ).all()
    attempted = 0
    for delivery in due:
        if _still_due(delivery, now):
            attempt(delivery, now=now)
            attempted += 1
        db.session.commit()
    return attempted


def deliver_duty(now: datetime) -> str:
    return f"{deliver_due(now=now)} attempted"
