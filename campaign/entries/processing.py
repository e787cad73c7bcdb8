"""Turning a stored original into private web renditions; a job, run inline or on an RQ worker.

An entry already approved when its renditions are made (approved again after a takedown whose renditions
were lost, or reprocessed by `flask entries process`) is published here, then announced, so galleries
bump their version only once the public objects exist.
"""

import logging

from flask import current_app
from sqlalchemy import select

from campaign import events, media, metrics, pending_objects
from campaign.entries.models import (
    ERASED_ORIGINAL,
    PRIVATE_DERIVATIVES,
    Derivative,
    Entry,
    EntryStatus,
    Processing,
)
from campaign.entries.publication import publish, shown_publicly
from campaign.extensions import db
from campaign.storage import get_storage
from campaign.storage.base import Storage

log = logging.getLogger(__name__)
EXTENSIONS = {"jpeg": "jpg", "webp": "webp"}


def derivative_key(item: media.Derivative) -> str:
    """Private, content-addressed and immutable: the same bytes always have the same key."""
    return f"{PRIVATE_DERIVATIVES}{item.sha256[:2]}/{item.sha256}.{EXTENSIONS[item.format]}"


def store_derivatives(entry: Entry, derived: media.Derived, storage: Storage) -> None:
    for item in derived.derivatives:
        key = derivative_key(item)
        if not storage.exists(key):
            storage.put(key, item.data, content_type=item.content_type)
            pending_objects.track(db.session, storage, key)
        entry.derivatives.append(
            Derivative(
                size=item.size,
                format=item.format,
                content_type=item.content_type,
                width=item.width,
                height=item.height,
                bytes=len(item.data),
                key=key,
            )
        )


def flag_duplicate(entry: Entry) -> None:
    """Marks an exact or near copy of an earlier photo in any campaign of the same organisation."""
    earlier = select(Entry).where(Entry.org_id == entry.org_id, Entry.id != entry.id, Entry.id < entry.id)
    exact = db.session.scalar(earlier.where(Entry.content_hash == entry.content_hash).order_by(Entry.id))
    if exact is not None:
        entry.duplicate_of, entry.duplicate_kind = exact, "exact"
        return
    candidates = db.session.execute(
        select(Entry.id, Entry.perceptual_hash)
        .where(Entry.org_id == entry.org_id, Entry.id < entry.id, Entry.perceptual_hash != "")
        .order_by(Entry.id)
    )
    for other_id, other_hash in candidates:
        if media.hamming(entry.perceptual_hash, other_hash) <= media.NEAR_DUPLICATE_DISTANCE:
            entry.duplicate_of_id, entry.duplicate_kind = other_id, "near"
            return


def media_bounds(config) -> media.Bounds:
    return media.Bounds(
        seconds=config["MEDIA_TIME_LIMIT"],
        memory_bytes=config["MEDIA_MEMORY_LIMIT"],
        max_pixels=config["MAX_PIXELS"],
        max_bytes=config["MAX_UPLOAD_BYTES"],
    )


@metrics.PROCESSING_SECONDS.time()
def process_entry(entry_id: int) -> None:
    """Derives, stores and records an entry's web renditions; safe to run twice."""
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.processing is Processing.READY:
        return
    if entry.status is EntryStatus.WITHDRAWN:  # withdrawn before it was processed: nothing will show it
        return
    if entry.original_key.startswith(ERASED_ORIGINAL):  # erased by retention: there is nothing to derive from
        return
    storage = get_storage()
    original = storage.get(entry.original_key)
    try:
        derived = media.derive_bounded(original, media_bounds(current_app.config))
    except media.MediaError as exc:
        entry.processing, entry.processing_error = Processing.FAILED, exc.code
        db.session.commit()
        log.warning("entry %s could not be processed: %s", entry.public_id, exc.code)
        return
    store_derivatives(entry, derived, storage)
    entry.width, entry.height = derived.width, derived.height
    entry.placeholder_color = derived.placeholder_color
    entry.content_hash, entry.perceptual_hash = derived.content_hash, derived.perceptual_hash
    entry.processing, entry.processing_error = Processing.READY, ""
    flag_duplicate(entry)
    if shown_publicly(entry):
        publish(entry, storage)
        db.session.flush()
        events.entry_published.send(entry)
    db.session.commit()
