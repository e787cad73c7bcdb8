"""The storage contract every backend fulfils; tests/storage/test_contract.py holds them to it.

Keys are made by the server and always start with ``private/`` (customer originals, never public) or
``public/`` (web derivatives: content-addressed, immutable, cacheable forever).
"""

from __future__ import annotations

import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

PRIVATE = "private/"
PUBLIC = "public/"
AREAS = (PRIVATE, PUBLIC)

PUBLIC_CACHE_CONTROL = "public, max-age=31536000, immutable"
PRIVATE_CACHE_CONTROL = "private, no-store"
# Gallery snapshots (#6) are the one mutable public area, and the gallery's answers (API, iframe page,
# fragment, review pages) change as they do. Browsers ask again at every view (max-age=0; the ETag makes it
# a 304), so a withdrawn photo is gone from a visitor's very next view: a walk-through's find was a takedown
# still shown for a minute in the browser that had the gallery open. A CDN keeps them a minute at most
# (s-maxage), less when the takedown's purge (CDN_PURGE) reaches it first.
SNAPSHOTS = "public/g/"
SHARED_MAX_AGE = 60
SNAPSHOT_CACHE_CONTROL = f"public, max-age=0, s-maxage={SHARED_MAX_AGE}"

MAX_KEY_LENGTH = 512
# Leaves room under the usual 255-byte file-name limit for the local backend's temporary suffix.
MAX_SEGMENT_LENGTH = 200
MAX_URL_EXPIRY = 7 * 24 * 3600  # the SigV4 maximum
SHA256_BYTES = 32

_SEGMENT = r"[A-Za-z0-9._-]+"
_KEY_RE = re.compile(rf"(?:private|public)/{_SEGMENT}(?:/{_SEGMENT})*")
_PREFIX_RE = re.compile(r"[A-Za-z0-9._/-]*")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified_at: datetime  # UTC, timezone-aware


class StorageError(Exception):
    """Backend unreachable, timed out, denied...: the app turns it into a 'please retry' error."""


class ObjectNotFound(StorageError):
    """No object under that key."""


def validate_key(key: str) -> str:
    """Return ``key`` if it is a well-formed storage key, else raise ValueError."""
    if not isinstance(key, str):
        raise TypeError(f"storage key must be a str, not {type(key).__name__}")
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"storage key longer than {MAX_KEY_LENGTH} characters")
    if not _KEY_RE.fullmatch(key):
        raise ValueError(
            f"invalid storage key {key!r}: must start with 'private/' or 'public/' and use only "
            "[A-Za-z0-9._-] in non-empty '/'-separated segments"
        )
    segments = key.split("/")
    if ".." in key or "." in segments:
        raise ValueError(f"invalid storage key {key!r}: '.' and '..' are not allowed")
    if any(len(segment) > MAX_SEGMENT_LENGTH for segment in segments):
        raise ValueError(f"invalid storage key {key!r}: a segment is longer than {MAX_SEGMENT_LENGTH}")
    return key


def is_valid_key(key: str) -> bool:
    try:
        validate_key(key)
    except ValueError:
        return False
    return True


def validate_prefix(prefix: str) -> str:
    """A listing prefix is a plain string prefix of keys, not a folder: ``""``, ``"pu"``, ``"private/ab"``."""
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a str, not {type(prefix).__name__}")
    if prefix == "":
        return prefix
    complete_segments = prefix.split("/")[:-1]
    if (
        not _PREFIX_RE.fullmatch(prefix)
        or ".." in prefix
        or "//" in prefix
        or "." in complete_segments
        or len(prefix) > MAX_KEY_LENGTH
        or not (prefix.startswith(AREAS) or any(area.startswith(prefix) for area in AREAS))
    ):
        raise ValueError(f"invalid prefix {prefix!r}: must be a prefix of a valid storage key")
    return prefix


def probe_key(area: str) -> str:
    """A fresh key for a `check()` probe object; `flask storage gc` sweeps any a crash leaves behind."""
    return f"{area}.storage-check/{uuid.uuid4().hex}"


def is_public(key: str) -> bool:
    return key.startswith(PUBLIC)


def cache_control_for(key: str) -> str:
    if key.startswith(SNAPSHOTS):  # galleries (#6): rewritten in place on every publish or withdrawal
        return SNAPSHOT_CACHE_CONTROL
    return PUBLIC_CACHE_CONTROL if is_public(key) else PRIVATE_CACHE_CONTROL


def _validate_content_type(content_type: str) -> None:
    if not isinstance(content_type, str) or not content_type.strip() or _CONTROL_RE.search(content_type):
        raise ValueError(f"invalid content type {content_type!r}")


def _checked_put(key: str, data: bytes, content_type: str, sha256: bytes | None) -> bytes:
    """A put's arguments checked; its data as bytes (a copy only when it is not bytes already)."""
    validate_key(key)
    _validate_content_type(content_type)
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    if sha256 is not None and (not isinstance(sha256, bytes) or len(sha256) != SHA256_BYTES):
        raise ValueError("sha256 must be the data's SHA-256 digest (32 bytes)")
    return bytes(data)


class Storage(ABC):
    """Validates arguments once for every backend, then delegates to the backend's ``_`` methods.

    Every failure of the backend surfaces as StorageError (the original exception chained).
    """

    name: str  # "local" | "memory" | "s3"; stored in database rows beside the key

    def put(self, key: str, data: bytes, *, content_type: str, sha256: bytes | None = None) -> None:
        """Store ``data`` under ``key``, replacing any previous object; never leaves a partial object.

        ``sha256``: the data's SHA-256 digest, when the caller has it already: the S3 backend may sign the
        request with it instead of hashing the data again (`s3_signing`). It must be the digest of these
        bytes: AWS S3 refuses another (a StorageError), the memory backend raises ValueError."""
        self._put(key, _checked_put(key, data, content_type, sha256), content_type, sha256)

    def put_if_absent(self, key: str, data: bytes, *, content_type: str, sha256: bytes | None = None) -> bool:
        """Store ``data`` under ``key`` unless an object is there already, in one step (S3: one conditional
        request, no HEAD first); True when this call stored it. Of callers racing for one key, exactly one
        gets True: only that one may delete the object again (a rollback), the others share it.
        ``sha256`` as for `put`."""
        return self._put_if_absent(key, _checked_put(key, data, content_type, sha256), content_type, sha256)

    def get(self, key: str) -> bytes:
        """The object's bytes; ObjectNotFound if there is none."""
        return self._get(validate_key(key))

    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing object is not an error."""
        self._delete(validate_key(key))

    def exists(self, key: str) -> bool:
        return self._exists(validate_key(key))

    def copy(self, source: str, target: str, *, content_type: str) -> None:
        """Store the object under ``source`` also under ``target`` (either area), replacing any object there.

        ObjectNotFound when ``source`` is missing; the target gets the cache header of its own area.
        """
        validate_key(source)
        validate_key(target)
        _validate_content_type(content_type)
        self._copy(source, target, content_type)

    def iter_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        """Objects under private/ and public/ whose key starts with ``prefix``, in no particular order.

        (S3 lists in key order, but SeaweedFS lists a "folder" before keys that sort before it.)
        """
        return self._iter_objects(validate_prefix(prefix))

    def public_url(self, key: str) -> str | None:
        """Absolute URL of a public/ object when the backend serves it itself; None: the app serves it.

        Raises ValueError for private/ keys: a customer original never gets a public URL.
        """
        validate_key(key)
        if not is_public(key):
            raise ValueError(f"{key!r} is private: it has no public URL")
        return self._public_url(key)

    def private_url(self, key: str, *, expires_in: int = 300) -> str | None:
        """A URL that grants a time-limited GET without credentials; None: the app streams the object."""
        validate_key(key)
        if isinstance(expires_in, bool) or not isinstance(expires_in, int):
            raise TypeError("expires_in must be an int (seconds)")
        if not 1 <= expires_in <= MAX_URL_EXPIRY:
            raise ValueError(f"expires_in must be between 1 and {MAX_URL_EXPIRY} seconds")
        return self._private_url(key, expires_in)

    @abstractmethod
    def check(self) -> list[str]:
        """Human-readable problems with the configuration or the backend; empty when all is fine."""

    @abstractmethod
    def _put(self, key: str, data: bytes, content_type: str, sha256: bytes | None = None) -> None:
        """``sha256``, when given, is the data's digest (see `put`)."""

    @abstractmethod
    def _put_if_absent(
        self, key: str, data: bytes, content_type: str, sha256: bytes | None = None
    ) -> bool: ...

    @abstractmethod
    def _get(self, key: str) -> bytes: ...

    @abstractmethod
    def _delete(self, key: str) -> None: ...

    @abstractmethod
    def _exists(self, key: str) -> bool: ...

    @abstractmethod
    def _iter_objects(self, prefix: str) -> Iterator[StoredObject]: ...

    def _copy(self, source: str, target: str, content_type: str) -> None:
        """Backends without a server-side copy read and write the bytes."""
        self._put(target, self._get(source), content_type)

    def _public_url(self, key: str) -> str | None:
        return None

    def _private_url(self, key: str, expires_in: int) -> str | None:
        return None

    def _probe(self) -> list[str]:
        """Write, read back and delete a probe object in each area; a failure becomes a problem string."""
        problems = []
        for area in AREAS:
            key = probe_key(area)
            payload = b"kuchikomi storage check " + key.encode()
            try:
                self.put(key, payload, content_type="application/octet-stream")
                try:
                    if self.get(key) != payload:
                        problems.append(f"{area} object read back differs from what was written")
                finally:
                    self.delete(key)
            except StorageError as exc:
                problems.append(f"cannot write, read and delete {area} objects: {exc}")
        return problems
