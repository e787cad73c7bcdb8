"""Turning a stored original into private web renditions; a job, run inline or on an RQ worker.

An entry already approved when its renditions are made (approved again after a takedown whose renditions
were lost, or reprocessed by `flask entries process`) is published here, then announced, so galleries
bump their version only once the public objects exist.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, false, select

from campaign import events, leases, media, metrics, outbox, pending_objects
from campaign.clock import utcnow
from campaign.entries.models import (
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


PENDING_GRACE = timedelta(minutes=10)  # an upload's own job normally derives it within seconds
FAILED_GRACE = timedelta(hours=6)  # a photo that failed (a bound, damaged data) is tried again, rarely


def processing_lease() -> timedelta:
    """Half the outbox's lease (5 min by default; a photo is bounded at MEDIA_TIME_LIMIT, 20 s): when a
    killed job's row comes due again, its entry's lease has run out and the retry derives the photo."""
    return outbox.lease() / 2


def derivative_key(item: media.Derivative) -> str:
    """Private, content-addressed and immutable: the same bytes always have the same key."""
    return f"{PRIVATE_DERIVATIVES}{item.sha256[:2]}/{item.sha256}.{EXTENSIONS[item.format]}"


def store_derivatives(entry: Entry, derived: media.Derived, storage: Storage) -> None:
    for item in derived.derivatives:
        key = derivative_key(item)
        # Content-addressed: another entry may share the object; only one we stored is ours to delete.
        if storage.put_if_absent(key, item.data, content_type=item.content_type):
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
    """Marks an exact or near copy of an earlier photo in any campaign of the same organisation; not of one
    its own sender took back (withdrawn, unrefused by the brand), which is out of every draw already."""
    their_own = (
        and_(Entry.taken_back, Entry.email_normalised == entry.email_normalised)
        if entry.email_normalised
        else false()
    )
    earlier = select(Entry).where(Entry.org_id == entry.org_id, Entry.id < entry.id, ~their_own)
    exact = db.session.scalar(earlier.where(Entry.content_hash == entry.content_hash).order_by(Entry.id))
    if exact is not None:
        entry.duplicate_of, entry.duplicate_kind = exact, "exact"
        return
    candidates = db.session.execute(
        select(Entry.id, Entry.perceptual_hash)
        .where(Entry.org_id == entry.org_id, Entry.id < entry.id, Entry.perceptual_hash != "", ~their_own)
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


def process_entry(entry_id: int) -> str:
    """Derives, stores and records an entry's web renditions; safe to run twice, and twice at once.

    Returns "processed", "failed" (the photo cannot be derived; marked with its reason) or "skipped"
    (gone, done already, withdrawn, or being derived by another process right now). The entry's lease
    (`entry:<id>`) is taken first and committed, so a second processor skips instead of deriving the same
    photo (and colliding on its rendition rows); a processor that dies lets the lease run out."""
    holder = leases.take(f"entry:{entry_id}", now=utcnow(), ttl=processing_lease())
    if holder is None:
        return "skipped"
    try:
        return _process(entry_id)
    finally:
        db.session.rollback()  # a failure left nothing half-done to commit; the lease is ours to end
        leases.release(f"entry:{entry_id}", holder, until=utcnow())


@metrics.PROCESSING_SECONDS.time()
def _process(entry_id: int) -> str:
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.processing is Processing.READY:
        return "skipped"
    if entry.status is EntryStatus.WITHDRAWN:  # withdrawn before it was processed: nothing will show it
        return "skipped"
    if not entry.has_original:  # erased by retention: there is nothing to derive from
        return "skipped"
    storage = get_storage()
    original = storage.get(entry.original_key)
    try:
        derived = media.derive_bounded(original, media_bounds(current_app.config))
    except media.MediaError as exc:
        entry.processing, entry.processing_error = Processing.FAILED, exc.code
        db.session.commit()
        log.warning("entry %s could not be processed: %s", entry.public_id, exc.code)
        return "failed"
    store_derivatives(entry, derived, storage)
    entry.width, entry.height = derived.width, derived.height
    entry.placeholder_color = derived.placeholder_color
    entry.content_hash, entry.perceptual_hash = derived.content_hash, derived.perceptual_hash
    entry.processing, entry.processing_error = Processing.READY, ""
    flag_duplicate(entry)
    if _erased_meanwhile(entry):  # its sender erased it while it was derived: nothing of it is kept
        db.session.rollback()  # which deletes the renditions stored above (`pending_objects`)
        return "skipped"
    if shown_publicly(entry):
        publish(entry, storage)
        db.session.flush()
        events.entry_published.send(entry)
    db.session.commit()
    metrics.ENTRIES_PROCESSED.inc()
    return "processed"


def _erased_meanwhile(entry: Entry) -> bool:
    """Whether the entry was erased since it was read, re-read under its row's lock (the writes above hold
    it, and keep holding it to the commit): an erasure committed while the photo was derived is seen here;
    a later one waits for this commit, then deletes the renditions it finds."""
    query = select(Entry.erased_at).where(Entry.id == entry.id).with_for_update(key_share=True)
    return db.session.scalar(query) is not None


def waiting(*, failed: bool, now: datetime | None = None, grace: timedelta = timedelta(0)) -> list[int]:
    """Ids of entries still waiting for renditions (and failed ones too when `failed`), untouched for
    `grace`: a fresh upload's own job is not raced."""
    states = [Processing.PENDING, Processing.FAILED] if failed else [Processing.PENDING]
    query = select(Entry.id).where(Entry.processing.in_(states), Entry.status != EntryStatus.WITHDRAWN)
    if now is not None:
        query = query.where(Entry.updated_at <= now - grace)
    return list(db.session.scalars(query.order_by(Entry.id)))


def process_each(entry_ids: list[int], progress: Callable[[], None] = lambda: None) -> dict[str, list]:
    """Processes every entry on its own: one that raises (storage down, a bug) is reported and the rest
    still run. Returns the ids by outcome: processed, failed, skipped, and "errors" as (id, error).
    `progress()` is called after each entry."""
    outcomes: dict[str, list] = {"processed": [], "failed": [], "skipped": [], "errors": []}
    for entry_id in entry_ids:
        try:
            outcomes[process_entry(entry_id)].append(entry_id)
        except Exception as exc:
            db.session.rollback()
            log.exception("entry %d could not be processed", entry_id)
            outcomes["errors"].append((entry_id, f"{type(exc).__name__}: {exc}"))
        progress()
    return outcomes


def retry_waiting(now: datetime) -> str:
    """The periodic duty: entries pending past their grace (a crash lost their job) or failed long ago."""
    ids = waiting(failed=False, now=now, grace=PENDING_GRACE)
    ids += [i for i in waiting(failed=True, now=now, grace=FAILED_GRACE) if i not in ids]
    outcomes = process_each(ids)
    return ", ".join(f"{len(v)} {k}" for k, v in outcomes.items())
