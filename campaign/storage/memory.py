"""In-process storage for fast tests; thread-safe, gone when the process ends. It checks every digest a
caller gives (`Storage.put`'s ``sha256``), as AWS S3 does, so a wrong one fails the tests."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from campaign.storage.base import ObjectNotFound, Storage, StoredObject


@dataclass(frozen=True)
class _Entry:
    data: bytes
    modified_at: datetime


def _check_digest(data: bytes, sha256: bytes | None) -> None:
    if sha256 is not None and hashlib.sha256(data).digest() != sha256:
        raise ValueError("sha256 is not the SHA-256 digest of the data")


class MemoryStorage(Storage):
    """``clock`` stamps ``modified_at``, so tests of age-based rules (gc) need no sleeping."""

    name = "memory"

    def __init__(self, *, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))
        self._objects: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def __str__(self) -> str:
        return "in-process memory (lost when the process exits)"

    def _put(self, key: str, data: bytes, content_type: str, sha256: bytes | None = None) -> None:
        _check_digest(data, sha256)
        entry = _Entry(data, self._clock().astimezone(UTC))
        with self._lock:
            self._objects[key] = entry

    def _put_if_absent(self, key: str, data: bytes, content_type: str, sha256: bytes | None = None) -> bool:
        _check_digest(data, sha256)
        entry = _Entry(data, self._clock().astimezone(UTC))
        with self._lock:
            if key in self._objects:
                return False
            self._objects[key] = entry
        return True

    def _get(self, key: str) -> bytes:
        with self._lock:
            entry = self._objects.get(key)
        if entry is None:
            raise ObjectNotFound(key)
        return entry.data

    def _delete(self, key: str) -> None:
        with self._lock:
            self._objects.pop(key, None)

    def _exists(self, key: str) -> bool:
        with self._lock:
            return key in self._objects

    def _iter_objects(self, prefix: str) -> Iterator[StoredObject]:
        with self._lock:
            snapshot = [(k, e) for k, e in self._objects.items() if k.startswith(prefix)]
        for key, entry in snapshot:
            yield StoredObject(key, len(entry.data), entry.modified_at)

    def check(self) -> list[str]:
        return self._probe()
