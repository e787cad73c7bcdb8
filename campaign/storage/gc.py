"""Find and remove stored objects no database row points at (what a crash between put and commit leaves)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from itertools import islice

from campaign.storage.base import AREAS, Storage, StoredObject

Referenced = Callable[[list[str]], set[str]]
"""Given a batch of keys, returns the subset that database rows reference."""

BATCH_SIZE = 500


def find_orphans(
    storage: Storage,
    referenced: Referenced,
    *,
    older_than: timedelta,
    now: datetime,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] = lambda count: None,
) -> list[StoredObject]:
    """Objects under private/ and public/ older than ``older_than`` whose keys ``referenced`` doesn't return.

    The grace period protects uploads whose row is not committed yet. Sorted by key. ``progress(n)`` after
    each batch of ``n`` objects checked.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    cutoff = now - older_than
    old_enough = (obj for area in AREAS for obj in storage.iter_objects(area) if obj.modified_at <= cutoff)
    orphans: list[StoredObject] = []
    for batch in _batches(old_enough, batch_size):
        keep = referenced([obj.key for obj in batch])
        orphans.extend(obj for obj in batch if obj.key not in keep)
        progress(len(batch))
    return sorted(orphans, key=lambda obj: obj.key)


def delete_orphans(
    storage: Storage,
    orphans: Iterable[StoredObject],
    referenced: Referenced,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] = lambda count: None,
) -> list[StoredObject]:
    """Delete ``orphans``, asking ``referenced`` once more just before, in case a row appeared meanwhile.

    A content-addressed public key can become referenced again when the same derivative is made anew.
    Returns the objects deleted. ``progress(n)`` after each batch of ``n`` orphans handled.
    """
    deleted: list[StoredObject] = []
    for batch in _batches(iter(orphans), batch_size):
        keep = referenced([obj.key for obj in batch])
        for obj in batch:
            if obj.key not in keep:
                storage.delete(obj.key)
                deleted.append(obj)
        progress(len(batch))
    return deleted


def _batches(items: Iterator[StoredObject], size: int) -> Iterator[list[StoredObject]]:
    if size < 1:
        raise ValueError("batch_size must be at least 1")
    while batch := list(islice(items, size)):
        yield batch
