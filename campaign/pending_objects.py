"""Ties stored objects to the database transaction: objects written for rows that never commit are deleted.

A service that stores an object calls `track(session, storage, key)` and flushes; the caller commits once.
If that transaction ends in anything but a commit (an error, a rollback, a lost connection), the objects
are deleted again. Whatever a crash still leaves behind, `flask storage gc` sweeps.
"""

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from campaign.storage.base import Storage, StorageError

log = logging.getLogger(__name__)
_KEY = "kuchikomi.pending_objects"


def track(session: Session, storage: Storage, key: str) -> None:
    session.info.setdefault(_KEY, []).append((storage, key))


def _forget(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released (after_commit fires for it too): not yet
        return
    session.info.pop(_KEY, None)


def _discard(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    for storage, key in session.info.pop(_KEY, []):
        try:
            storage.delete(key)
        except StorageError:
            log.warning("could not delete uncommitted object %s; storage gc will sweep it", key)


def install() -> None:
    """Registers the session listeners once per process (idempotent)."""
    if not event.contains(Session, "after_commit", _forget):
        event.listen(Session, "after_commit", _forget)
        event.listen(Session, "after_transaction_end", _discard)
