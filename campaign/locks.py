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

from typing import TypeVar

from sqlalchemy import inspect, update

from campaign.extensions import db

T = TypeVar("T")


def lock_row(obj: T) -> T:
    """Reloads `obj` from its locked row (pending changes to it are discarded) and returns it."""
    if db.session.get_bind().dialect.name == "sqlite":
        mapper = inspect(obj).mapper
        (key,) = mapper.primary_key
        db.session.execute(
            update(mapper.local_table).where(key == inspect(obj).identity[0]).values({key.name: key})
        )
    db.session.refresh(obj, with_for_update={"key_share": True})
    return obj
