"""The local backend's own promises: atomic writes, nothing half-written, sane file modes."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from campaign.storage import StorageError, build_storage
from campaign.storage.local import LocalStorage


def all_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def local(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "uploads")


def test_default_root_is_the_repository_uploads_folder():
    storage = build_storage({})
    assert isinstance(storage, LocalStorage)
    assert storage.root == Path(__file__).resolve().parents[2] / "uploads"


def test_put_leaves_only_the_final_files(local: LocalStorage):
    for i in range(3):
        local.put("private/a/original.jpg", b"version %d" % i, content_type="image/jpeg")
        local.put(f"public/d/{i}.webp", b"x", content_type="image/webp")
    assert all_files(local.root) == [
        "private/a/original.jpg",
        "public/d/0.webp",
        "public/d/1.webp",
        "public/d/2.webp",
    ]


def test_failed_put_raises_storage_error_and_leaves_no_temporary_file(local: LocalStorage):
    local.put("private/x/y.jpg", b"old", content_type="image/jpeg")
    with pytest.raises(StorageError) as info:  # a folder stands where the file would go
        local.put("private/x", b"new", content_type="image/jpeg")
    assert isinstance(info.value.__cause__, OSError)
    assert all_files(local.root) == ["private/x/y.jpg"]
    assert not local.exists("private/x")

    with pytest.raises(StorageError):  # a file stands where a folder would go
        local.put("private/x/y.jpg/z.jpg", b"new", content_type="image/jpeg")
    assert all_files(local.root) == ["private/x/y.jpg"]
    assert local.get("private/x/y.jpg") == b"old"


def test_unusable_root_raises_storage_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    storage = LocalStorage(blocker / "uploads")
    with pytest.raises(StorageError):
        storage.put("private/a.jpg", b"x", content_type="image/jpeg")
    problems = storage.check()
    assert len(problems) == 2 and all(str(blocker) in p for p in problems)


def test_put_if_absent_keeps_modes_and_leaves_no_temporary_file(local: LocalStorage):
    assert local.put_if_absent("private/o.jpg", b"x", content_type="image/jpeg")
    assert not local.put_if_absent("private/o.jpg", b"y", content_type="image/jpeg")
    assert local.put_if_absent("public/p.webp", b"x", content_type="image/webp")
    assert stat.S_IMODE((local.root / "private/o.jpg").stat().st_mode) == 0o600
    assert stat.S_IMODE((local.root / "public/p.webp").stat().st_mode) == 0o644
    assert [p.name for p in (local.root / "private").iterdir()] == ["o.jpg"]
    assert (local.root / "private/o.jpg").stat().st_nlink == 1  # the temporary name is gone


def test_put_if_absent_on_an_unusable_root_raises_storage_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError):
        LocalStorage(blocker / "uploads").put_if_absent("private/a.jpg", b"x", content_type="image/jpeg")


def test_file_modes_keep_originals_private(local: LocalStorage):
    local.put("private/o.jpg", b"x", content_type="image/jpeg")
    local.put("public/p.webp", b"x", content_type="image/webp")
    assert stat.S_IMODE((local.root / "private/o.jpg").stat().st_mode) == 0o600
    assert stat.S_IMODE((local.root / "public/p.webp").stat().st_mode) == 0o644


def test_listing_skips_temporary_and_foreign_files(local: LocalStorage):
    local.put("private/a.jpg", b"x", content_type="image/jpeg")
    (local.root / "private" / "a.jpg~k2j3h4.tmp").write_bytes(b"left by a crash")
    (local.root / "private" / "with space.jpg").write_bytes(b"not ours")
    (local.root / "elsewhere").mkdir()
    (local.root / "elsewhere" / "b.jpg").write_bytes(b"not ours")
    assert [o.key for o in local.iter_objects()] == ["private/a.jpg"]


def test_a_crash_during_put_never_leaves_a_partial_object(local: LocalStorage):
    """Kill a writer mid-write (SIGKILL, no cleanup): the key must not show the part written so far."""
    size = 64 * 1024 * 1024
    code = f"""
from campaign.storage.local import LocalStorage
LocalStorage({str(local.root)!r}).put("private/big.bin", b"x" * {size}, content_type="image/jpeg")
"""
    writer = subprocess.Popen([sys.executable, "-c", code])
    folder = local.root / "private"
    deadline = time.monotonic() + 20
    while not _partial_temp_files(folder):
        assert writer.poll() is None, "the writer finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.001)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()

    [leftover] = _partial_temp_files(folder)
    assert leftover.stat().st_size < size  # really interrupted mid-write...
    assert not (folder / "big.bin").exists()  # ...and nothing under the key
    assert not local.exists("private/big.bin")
    assert list(local.iter_objects()) == []  # the leftover is not an object (and not gc's business)


def _partial_temp_files(folder: Path) -> list[Path]:
    found = []
    try:
        for path in folder.iterdir():
            if path.name.startswith("big.bin~") and path.stat().st_size > 0:
                found.append(path)
    except FileNotFoundError:
        pass
    return found
