"""A submission sent again (Back, a retry, a double tap): whose entry it is, the idempotency key that binds
the form to the person and the photo, and what a new submission finds of that person's earlier entries."""

import hashlib

from sqlalchemy import select

from campaign.campaigns.models import Campaign
from campaign.entries import rules
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.ids import new_public_id


def person_of(typed: str, email: str | None) -> str:
    """Whose entry it is: the normalised address (`email`, the valid one; else what was typed)."""
    return rules.normalise_email(email or typed)


def submission_key(form_key: str, person: str, photo_sha256: bytes | None) -> str:
    """The stored idempotency key: the form's key bound to whose photo it carried ("" without a form key).

    A form posted again (Back, then send) finds its entry only with the same email and the same photo bytes
    (`photo_sha256`, their digest: `photo_digest`); anything else is another person's or another photo's
    entry, so it becomes a new entry and never shows the first one.
    """
    if not form_key:
        return ""
    digest = hashlib.sha256(f"{form_key}\n{person}\n".encode())
    digest.update(photo_sha256 or hashlib.sha256(b"").digest())
    return digest.hexdigest()


def photo_digest(form_key: str, photo: bytes | None) -> bytes | None:
    """The photo's SHA-256 when the submission's idempotency key needs it (a form key and a photo), computed
    once: it also signs the original's upload to S3 (`Storage.put`), which then does not hash it again."""
    return hashlib.sha256(photo).digest() if form_key and photo is not None else None


def release_key(entry: Entry) -> None:
    """Gives a taken-back entry's idempotency key up, so a new entry can carry it (written at once: the
    new entry's INSERT must not meet it)."""
    entry.idempotency_key = new_public_id()
    db.session.flush()


def find_by_idempotency_key(campaign: Campaign, key: str) -> Entry | None:
    if not key:
        return None
    return db.session.scalar(
        select(Entry).where(Entry.campaign_id == campaign.id, Entry.idempotency_key == key)
    )


def earlier_entries(campaign: Campaign, key: str, email_normalised: str) -> tuple[int | None, set[int]]:
    """What decides a new submission, in one query: the id of the entry this form already made (its stored
    idempotency key `key`, "" for none) and the entry slots the person already uses. A UNION ALL of the two
    lookups, each on its own unique index (an OR made SQLite scan every entry of the campaign)."""
    columns = (Entry.id, Entry.idempotency_key, Entry.email_normalised, Entry.person_slot)
    query = select(*columns).where(
        Entry.campaign_id == campaign.id,
        Entry.email_normalised == email_normalised,
        Entry.person_slot.is_not(None),
    )
    if key:
        query = (
            select(*columns)
            .where(Entry.campaign_id == campaign.id, Entry.idempotency_key == key)
            .union_all(query)
        )
    rows = db.session.execute(query).all()
    existing = next((row.id for row in rows if key and row.idempotency_key == key), None)
    used = {row.person_slot for row in rows if row.email_normalised == email_normalised and row.person_slot}
    return existing, used
