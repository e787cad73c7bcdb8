"""Public renditions exist only while an approved, consented entry shows them.

Processing makes every rendition privately (`Derivative.key`); the studio and the customer's status page
read those through expiring URLs. `publish` copies them to their public, content-addressed keys before
the commit that makes the entry visible, so any gallery version or snapshot that lists the entry finds its
images. `unpublish` deletes the public copies after the commit that hides the entry, except those another
public entry still shows (an exact duplicate shares its objects).

Both sides decide under the row lock of the entries concerned (`campaign/locks.py`): a move publishes under
its entry's lock, and the purge locks every entry with a rendition behind its keys before it reads whether
they are still shown, and holds the locks until its deletions are done. So a re-approval racing a
takedown's purge either waits for the purge and then copies the objects again, or commits first and the
purge keeps them: a publish that found a copy present can no longer see it deleted behind its back.
The `entries-public-copies` duty checks every recently moderated entry the same way, so whatever a crash or
a race still leaves wrong is repaired within minutes (`reconcile` does the whole store, by hand).
"""

import logging
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign import jobs, pending_objects
from campaign.entries.models import (
    PUBLIC_DERIVATIVES,
    Derivative,
    Entry,
    EntryStatus,
    Processing,
    private_key_of,
)
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.locks import lock_row
from campaign.reviews.public import is_publishable
from campaign.storage import get_storage
from campaign.storage.base import Storage, StorageError

log = logging.getLogger(__name__)
RECHECK_EVERY = timedelta(minutes=5)
# Entries moderated this recently are checked at each turn (three times each): their jobs, and the outbox's
# first retries (30 s, 2 min and 10 min after a failure), have run by then. A check costs one HEAD request
# per rendition; `flask entries reconcile-public` lists the whole public area, too slow for every turn.
RECHECK_WINDOW = timedelta(minutes=15)
PUBLIC_SCOPES = ("gallery", "review")  # the surfaces Kuchikomi itself serves to anyone


class PublishFailed(DomainError):
    status = 503
    code = "publish_failed"
    message = _l(
        "The photo could not be published just now (storage did not answer). Nothing changed; try again."
    )


def shown_publicly(entry: Entry) -> bool:
    """Approved, processed, and consented to at least one public surface."""
    return any(is_publishable(entry, scope) for scope in PUBLIC_SCOPES)


def would_be_shown(entry: Entry) -> bool:
    """Whether approving the entry now makes it public (processed, consented to a public surface)."""
    scopes = entry.consent.scopes if entry.consent is not None else []
    return (
        entry.processing is Processing.READY
        and entry.held_at is None
        and any(scope in (scopes or []) for scope in PUBLIC_SCOPES)
    )


def publish(entry: Entry, storage: Storage) -> int:
    """Copies the entry's renditions to their public keys, all or none; a rollback deletes the copies.

    Call before the flush that makes the entry visible; returns how many objects were copied.
    PublishFailed (nothing copied is left behind) when storage fails.
    """
    made: list[str] = []
    try:
        for item in entry.derivatives:
            if storage.exists(item.public_key):  # shown for an exact duplicate already (or a retry)
                continue
            storage.copy(item.key, item.public_key, content_type=item.content_type)
            made.append(item.public_key)
    except StorageError as exc:
        log.warning("entry %s could not be published: %s", entry.public_id, exc)
        for key in made:
            try:
                storage.delete(key)
            except StorageError:
                pending_objects.track(db.session, storage, key)  # one more try when the transaction ends
        raise PublishFailed() from exc
    for key in made:
        pending_objects.track(db.session, storage, key)
    return len(made)


def unpublish(entry: Entry) -> None:
    """Once this transaction commits, the entry's public copies go (those no other public entry shows)."""
    keys = [item.public_key for item in entry.derivatives]
    if keys:
        jobs.after_commit(purge_public, keys, entry.org_id)


def still_shown(public_keys: list[str]) -> set[str]:
    """Those of `public_keys` that a public entry shows (committed data)."""
    if not public_keys:
        return set()
    private = [private_key_of(key) for key in public_keys]
    rows = db.session.scalars(
        select(Derivative)
        .join(Entry)
        .where(Derivative.key.in_(private), Entry.status == EntryStatus.APPROVED)
        .options(selectinload(Derivative.entry).selectinload(Entry.consent))
    )
    return {row.public_key for row in rows if shown_publicly(row.entry)}


def purge_public(public_keys: list[str], org_id: int | None = None) -> list[str]:
    """A job: deletes those of `public_keys` that no public entry shows, then has a configured CDN forget
    them (privacy.cdn, audited under `org_id`); returns the deleted keys."""
    deleted = delete_unshown(public_keys, get_storage())
    log.info("unpublished %d public objects", len(deleted))
    from campaign.privacy import cdn

    cdn.purge(deleted, org_id=org_id)
    return deleted


def delete_unshown(public_keys: list[str], storage: Storage) -> list[str]:
    """Deletes those of `public_keys` that no public entry shows, decided and done under the lock of every
    entry with a rendition behind them; commits (which ends the locks) and returns the deleted keys."""
    _lock_entries_with(public_keys)
    keep = still_shown(public_keys)
    deleted = []
    for key in sorted(set(public_keys) - keep):
        storage.delete(key)  # a missing object is not an error
        deleted.append(key)
    db.session.commit()  # only now may a move waiting for an entry publish it again
    return deleted


def _lock_entries_with(public_keys: list[str]) -> None:
    """Locks, in id order (as a bulk move does), every entry with a rendition behind these keys: a move of
    one of them waits for the caller's commit, or the caller for the move's, whose result it then reads."""
    private = [private_key_of(key) for key in public_keys]
    owners = select(Derivative.entry_id).where(Derivative.key.in_(private))
    for entry in db.session.scalars(select(Entry).where(Entry.id.in_(owners)).order_by(Entry.id)).all():
        lock_row(entry)


def recheck(entry_id: int, storage: Storage) -> tuple[int, int]:
    """Makes one entry's public copies match it, under its lock: a shown entry gets the missing ones at
    once; those of a hidden one that are present and no other entry shows go as after a takedown (the
    purge job, CDN included). Commits; returns (copies made, copies left to the purge)."""
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        return 0, 0
    lock_row(entry)
    copied, stray = 0, []
    if shown_publicly(entry):
        copied = publish(entry, storage)
    else:
        present = [item.public_key for item in entry.derivatives if storage.exists(item.public_key)]
        stray = sorted(set(present) - still_shown(present))
        if stray:
            jobs.after_commit(purge_public, stray, entry.org_id)
    if copied or stray:
        log.warning("entry %s: %d public copies restored, %d to delete", entry.public_id, copied, len(stray))
    db.session.commit()
    return copied, len(stray)


def recheck_duty(now: datetime) -> str:
    """The periodic duty: the public copies of each entry moderated within RECHECK_WINDOW made to match it."""
    since = now - RECHECK_WINDOW
    # sorted here, not by the query: with ORDER BY id SQLite walks the whole table in id order rather than
    # the few recent entries through `ix_entries_moderated_at`
    ids = sorted(db.session.scalars(select(Entry.id).where(Entry.moderated_at >= since)))
    db.session.commit()
    storage = get_storage()
    copied = stray = 0
    for entry_id in ids:
        made, left = recheck(entry_id, storage)
        copied, stray = copied + made, stray + left
    return f"{len(ids)} entries checked, {copied} public renditions copied, {stray} left to the purge"


def reconcile(storage: Storage, *, now: datetime, grace: timedelta) -> tuple[list[str], list[str]]:
    """Repairs what a crash or a race left: copies every shown entry's missing public renditions, deletes
    public renditions no shown entry needs that are older than `grace` (younger ones may belong to an
    approval not committed yet). Returns (copied, deleted) keys; the caller commits.
    """
    existing = {obj.key: obj.modified_at for obj in storage.iter_objects(PUBLIC_DERIVATIVES)}
    rows = db.session.scalars(
        select(Derivative)
        .join(Entry)
        .where(Entry.status == EntryStatus.APPROVED, Entry.processing == Processing.READY)
        .options(selectinload(Derivative.entry).selectinload(Entry.consent))
    )
    wanted = {row.public_key: row for row in rows if shown_publicly(row.entry)}
    copied = []
    for key in sorted(set(wanted) - set(existing)):
        storage.copy(wanted[key].key, key, content_type=wanted[key].content_type)
        copied.append(key)
    cutoff = now - grace
    deleted = []
    for key in sorted(set(existing) - set(wanted)):
        if existing[key] <= cutoff:
            storage.delete(key)
            deleted.append(key)
    return copied, deleted
