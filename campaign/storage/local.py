"""Files under a root folder (by default the repository's ``uploads/``), one file per key.

``put`` writes a temporary file beside the target, fsyncs it and renames it over the target, so a crash
leaves either the old object or the new one, never a partial file under the key (``put_if_absent`` links
it there instead, which fails if the target exists). Temporary names contain ``~``, which no key may
contain, so listings never show them. A key can't also be a "folder" of another
key here (``private/a`` and ``private/a/b``); keys made by the app never collide like that.
Public objects are world-readable files (0644), private originals owner-only (0600).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

from campaign.storage.base import (
    AREAS,
    ObjectNotFound,
    Storage,
    StorageError,
    StoredObject,
    is_public,
    is_valid_key,
)


class LocalStorage(Storage):
    name = "local"

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).absolute()

    def __str__(self) -> str:
        return f"files under {self.root}"

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*key.split("/"))

    def _put(self, key: str, data: bytes, content_type: str, sha256: bytes | None = None) -> None:
        self._write(key, data, replace=True)

    def _put_if_absent(self, key: str, data: bytes, content_type: str, sha256: bytes | None = None) -> bool:
        return self._write(key, data, replace=False)

    def _write(self, key: str, data: bytes, *, replace: bool) -> bool:
        """Write a temporary file beside the target and fsync it, then rename it over the target, or link
        it there (which, unlike a rename, fails if the target exists: of racing writers, one wins).
        False when not replacing and an object was there."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}~", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as tmp:
                    tmp.write(data)
                    tmp.flush()
                    os.fsync(tmp.fileno())
                os.chmod(tmp_name, 0o644 if is_public(key) else 0o600)
                if replace:
                    os.replace(tmp_name, path)
                    tmp_name = None
                else:
                    try:
                        os.link(tmp_name, path)
                    except FileExistsError:
                        return False
            finally:
                if tmp_name is not None:  # after a link, a second name of the object: not needed
                    with suppress(OSError):
                        os.unlink(tmp_name)
            _fsync_dir(path.parent)
        except OSError as exc:
            raise StorageError(f"cannot write {key!r} under {self.root}: {exc}") from exc
        return True

    def _get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as exc:
            raise ObjectNotFound(key) from exc
        except OSError as exc:
            raise StorageError(f"cannot read {key!r} under {self.root}: {exc}") from exc

    def _delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            pass
        except OSError as exc:
            raise StorageError(f"cannot delete {key!r} under {self.root}: {exc}") from exc

    def _exists(self, key: str) -> bool:
        try:
            return stat.S_ISREG(self._path(key).stat().st_mode)
        except (FileNotFoundError, NotADirectoryError):
            return False
        except OSError as exc:
            raise StorageError(f"cannot stat {key!r} under {self.root}: {exc}") from exc

    def _iter_objects(self, prefix: str) -> Iterator[StoredObject]:
        # Walk only the deepest folder the prefix names, then filter by the prefix as a plain string.
        start = prefix.rpartition("/")[0]
        top_folders = [start] if start else [area.rstrip("/") for area in AREAS]
        try:
            for folder in top_folders:
                yield from self._scan(folder, prefix)
        except OSError as exc:
            raise StorageError(f"cannot list {prefix!r} under {self.root}: {exc}") from exc

    def _scan(self, folder: str, prefix: str) -> Iterator[StoredObject]:
        try:
            entries = list(os.scandir(self.root.joinpath(*folder.split("/"))))
        except (FileNotFoundError, NotADirectoryError):
            return
        for entry in entries:
            key = f"{folder}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                if key.startswith(prefix) or prefix.startswith(key + "/"):
                    yield from self._scan(key, prefix)
            elif entry.is_file(follow_symlinks=False) and key.startswith(prefix) and is_valid_key(key):
                try:
                    st = entry.stat(follow_symlinks=False)
                except FileNotFoundError:  # deleted while we were listing
                    continue
                yield StoredObject(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC))

    def check(self) -> list[str]:
        return [f"local storage {self.root}: {problem}" for problem in self._probe()]


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable; some filesystems can't fsync a directory, which is fine to skip."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        with suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
