"""One way to make a state move atomic: re-read the row under a lock before deciding anything.

`SELECT … FOR NO KEY UPDATE` on PostgreSQL holds the row until the caller commits, so a second move of the
same row waits and then sees the first one's result. It is the lock an UPDATE takes anyway: rows that only
point at the locked one (audit events, a campaign's entries) can still be inserted meanwhile. SQLite
serialises writers and ignores the lock clause, but the re-read still replaces a stale in-memory state with
the committed one.
"""

from typing import TypeVar

from campaign.extensions import db

T = TypeVar("T")


def lock_row(obj: T) -> T:
    """Reloads `obj` from its locked row (pending changes to it are discarded) and returns it."""
    db.session.refresh(obj, with_for_update={"key_share": True})
    return obj
