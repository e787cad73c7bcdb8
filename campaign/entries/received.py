"""The work after a customer's entry is received: one outbox job (one row, one enqueue) that sends the
confirmation mail and derives the photo's renditions."""

from campaign.entries.confirmation import send_confirmation
from campaign.entries.models import Entry
from campaign.entries.processing import process_entry
from campaign.extensions import db


def after_entry_received(entry_id: int, status_url: str) -> str:
    """The mail first (the customer waits for it), then the photo; a failed mail does not hold the photo
    back, and a retry of this job neither sends the mail twice (`mail.send`) nor derives twice
    (`process_entry`). Returns what `process_entry` returns."""
    entry = db.session.get(Entry, entry_id)
    try:
        if entry is not None:
            send_confirmation(entry, status_url)
    finally:
        outcome = process_entry(entry_id)
    return outcome
