"""Domain events become webhook deliveries (payloads carry ids and states, never personal data)."""

from campaign import events
from campaign.clock import utcnow
from campaign.webhooks.services import queue_event


def _entry(event: str):
    def receiver(entry, **kwargs) -> None:
        data = {"entry": entry.public_id, "campaign": entry.campaign.public_id, "status": entry.status.value}
        queue_event(entry.org_id, event, data, now=utcnow())

    receiver.__name__ = f"webhook_{event.replace('.', '_')}"
    return receiver


def _review(event: str):
    def receiver(review, **kwargs) -> None:
        data = {
            "review": review.public_id,
            "entry": review.entry.public_id,
            "product": review.product.public_id,
            "status": review.status.value,
        }
        queue_event(review.org_id, event, data, now=utcnow())

    return receiver


def on_draw_completed(draw, **kwargs) -> None:
    campaign = draw.campaign
    data = {"draw": getattr(draw, "public_id", ""), "campaign": campaign.public_id}
    queue_event(campaign.org_id, "draw.completed", data, now=utcnow())


_RECEIVERS = {
    events.entry_received: _entry("entry.received"),
    events.entry_approved: _entry("entry.approved"),
    events.review_published: _review("review.published"),
    events.review_withdrawn: _review("review.withdrawn"),
    events.draw_completed: on_draw_completed,
}


def install() -> None:
    for signal, receiver in _RECEIVERS.items():
        signal.connect(receiver, weak=False)
