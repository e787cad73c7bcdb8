"""Each gallery's version as this process last read it, trusted for a second, so the hot paths of the API
and of the embed pages need no database query. A commit in this process that changes a gallery forgets it
at once; other processes see the change within `TTL_SECONDS` (the responses themselves say max-age=60)."""

from collections.abc import Callable
from threading import Lock
from time import monotonic
from typing import Any

TTL_SECONDS = 1.0


class Versions:
    def __init__(self, ttl: float = TTL_SECONDS):
        self.ttl = ttl
        self.seen: dict[str, tuple[float, int]] = {}
        self.lock = Lock()

    def get(self, public_id: str) -> int | None:
        found = self.seen.get(public_id)
        return found[1] if found is not None and found[0] > monotonic() else None

    def put(self, public_id: str, version: int) -> None:
        with self.lock:
            if len(self.seen) > 10_000:
                self.seen.clear()
            self.seen[public_id] = (monotonic() + self.ttl, version)

    def forget(self, public_ids: list[str]) -> None:
        with self.lock:
            for public_id in public_ids:
                self.seen.pop(public_id, None)


gallery_versions = Versions()


def current_version(public_id: str, load: Callable[[str], Any]) -> tuple[int, Any]:
    """(version, gallery): the version as this process last read it while fresh, with no query and no
    gallery (None); else the gallery read by `load` (which answers 404 for an unknown id) and its version."""
    version = gallery_versions.get(public_id)
    if version is not None:
        return version, None
    gallery = load(public_id)
    gallery_versions.put(public_id, gallery.version)
    return gallery.version, gallery


def forget_after_commit(session, public_ids: list[str]) -> None:
    """Once this transaction commits, this process re-reads these galleries' versions."""
    from sqlalchemy import event

    event.listen(session, "after_commit", lambda _session: gallery_versions.forget(public_ids), once=True)
