"""Webhooks: signed, logged, retried with back-off, delivered to a real HTTP receiver."""

import json
from datetime import timedelta

from sqlalchemy import select

from campaign.clock import utcnow
from campaign.extensions import db
from campaign.webhooks import services, signing
from campaign.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.webhooks.receiver import Receiver


def add_endpoint(brand, url: str, events: list[str]) -> WebhookEndpoint:
    response = brand.studio.post(
        "/studio/webhooks/", {"url": url, "events": events}, form_page="/studio/webhooks/"
    )
    assert response.status_code == 302
    return db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id.desc())).first()


def test_an_approval_and_a_review_are_delivered_signed(brand):
    with Receiver([200, 200]) as receiver:
        endpoint = add_endpoint(brand, receiver.url, ["entry.approved", "review.published"])
        entry = brand.approved(email="secret.person@example.com")
        brand.publish_review(entry)
    assert [json.loads(body)["type"] for _h, body in receiver.requests] == [
        "entry.approved",
        "review.published",
    ]
    for headers, body in receiver.requests:
        assert signing.verify(endpoint.secret, body, headers[signing.HEADER], now=int(utcnow().timestamp()))
        assert not signing.verify("whsec_wrong", body, headers[signing.HEADER], now=int(utcnow().timestamp()))
        assert b"secret.person" not in body
    approved = json.loads(receiver.requests[0][1])
    assert approved["data"] == {
        "entry": entry.public_id,
        "campaign": brand.campaign.public_id,
        "status": "approved",
    }
    log = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert [(d.status, d.attempts, d.last_status) for d in log] == [(DeliveryStatus.DELIVERED, 1, 200)] * 2


def test_a_failed_delivery_is_retried_with_back_off_until_it_gives_up(brand):
    with Receiver([500, 503, 200]) as receiver:
        add_endpoint(brand, receiver.url, ["entry.approved"])
        brand.approved()
        delivery = db.session.scalar(select(WebhookDelivery))
        assert (delivery.status, delivery.attempts, delivery.last_status) == (DeliveryStatus.PENDING, 1, 500)
        first_retry = delivery.next_attempt_at
        assert services.deliver_due(now=first_retry - timedelta(seconds=1)) == 0  # not yet
        assert services.deliver_due(now=first_retry) == 1
        db.session.refresh(delivery)
        assert delivery.attempts == 2 and delivery.next_attempt_at - first_retry == services.BACKOFF[1]
        services.deliver_due(now=delivery.next_attempt_at)
        db.session.refresh(delivery)
        assert (delivery.status, delivery.attempts, delivery.last_status) == (
            DeliveryStatus.DELIVERED,
            3,
            200,
        )
    bodies = {body for _h, body in receiver.requests}
    assert len(receiver.requests) == 3 and len(bodies) == 1  # the same event each time


def test_an_unreachable_endpoint_is_marked_failed_after_the_last_attempt(brand):
    with Receiver([]) as receiver:
        url = receiver.url
    add_endpoint(brand, url, ["entry.approved"])  # nothing listens there any more
    brand.approved()
    delivery = db.session.scalar(select(WebhookDelivery))
    now = utcnow()
    while delivery.status is DeliveryStatus.PENDING:
        now += timedelta(days=1)
        services.deliver_due(now=now)
        db.session.refresh(delivery)
    assert delivery.status is DeliveryStatus.FAILED and delivery.attempts == services.MAX_ATTEMPTS
    assert delivery.last_error


def test_other_organisations_endpoints_get_nothing(brand, app):
    from tests import factories

    other = factories.org("brand-b")
    with Receiver([]) as receiver:
        db.session.add(
            WebhookEndpoint(org_id=other.id, url=receiver.url, secret="s", events=["entry.approved"])
        )
        db.session.commit()
        brand.approved()
    assert receiver.requests == []
