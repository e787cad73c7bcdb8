"""One way to make a state move atomic: re-read the row under a lock before deciding anything.

`SELECT … FOR NO KEY UPDATE` on PostgreSQL holds the row until the caller commits, so a second move of the
same row waits and then sees the first one's result. It is the lock an UPDATE takes anyway: rows that only
point at the locked one (audit events, a campaign's entries) can still be inserted meanwhile. SQLite ignores
the lock clause, and its driver starts a transaction only at the first write: two moves would both read the
same state and the later write would overwrite the earlier one (an approval over a withdrawal). So on SQLite
the lock is a write that changes nothing, made before the re-read: it takes the database's write lock until
the caller commits, and a second move waits for it (the driver's busy timeout) and then reads the committed
result, as on PostgreSQL.
"""

from functools import cache
from typing import TypeVar

from sqlalchemy import Table, inspect, update
from sqlalchemy.orm import SessionTransaction

from campaign.extensions import db

T = TypeVar("T")


def lock_row(obj: T) -> T:
    """Reloads `obj` from its locked row (pending changes to it are discarded) and returns it."""
    if db.session.get_bind().dialect.name == "sqlite":
        _write_nothing(obj)
    db.session.refresh(obj, with_for_update={"key_share": True})
    return obj


def _write_nothing(obj: object) -> None:
    """SQLite: a write to `obj`'s row that changes nothing; it begins the transaction and takes the
    database's write lock until the caller commits."""
    mapper = inspect(obj).mapper
    (key,) = mapper.primary_key
    table = mapper.local_table
    db.session.execute(update(table).where(key == inspect(obj).identity[0]).values(_unchanged(table)))


def savepoint(anchor: object) -> SessionTransaction:
    """A savepoint in the caller's transaction (`with savepoint(row):`), for an insert that may meet a unique
    key another transaction took meanwhile and be tried again. On SQLite a SAVEPOINT before the driver's
    first write would be a transaction of its own, committed by its RELEASE: a write to `anchor`'s row that
    changes nothing comes first there, which begins the caller's transaction, so the insert still commits
    or rolls back with it."""
    if db.session.get_bind().dialect.name == "sqlite":
        _write_nothing(anchor)
    return db.session.begin_nested()


@cache
def _unchanged(table: Table) -> dict:
    """SQLite's no-op write: each column that SQLAlchemy would stamp on update (`updated_at`) set to itself,
    so nothing changes, or else one column that no key or index involves. Not the primary key: writing a key
    makes SQLite check every row of every table that points at it (all of a campaign's entries)."""
    stamped = [column for column in table.columns if column.onupdate is not None]
    indexed = {column for index in table.indexes for column in index.columns}
    plain = [
        column
        for column in table.columns
        if not (column.primary_key or column.foreign_keys or column.unique or column in indexed)
    ]
    return {column.name: column for column in stamped or plain[:1] or list(table.primary_key)}
