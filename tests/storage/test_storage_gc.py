"""find_orphans / delete_orphans with a plain `referenced` function and an explicit clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from campaign.storage.gc import delete_orphans, find_orphans
from campaign.storage.memory import MemoryStorage

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
GRACE = timedelta(hours=1)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def storage(clock: Clock) -> MemoryStorage:
    return MemoryStorage(clock=clock)


def put(storage: MemoryStorage, *keys: str) -> None:
    for key in keys:
        storage.put(key, b"data", content_type="application/octet-stream")


class Rows:
    """Stands in for the database: the keys rows point at, and the batches it was asked about."""

    def __init__(self, *keys: str) -> None:
        self.keys = set(keys)
        self.batches: list[list[str]] = []

    def __call__(self, batch: list[str]) -> set[str]:
        self.batches.append(list(batch))
        return {key for key in batch if key in self.keys}


def test_old_unreferenced_objects_are_orphans(storage: MemoryStorage, clock: Clock):
    put(
        storage,
        "private/old-orphan.jpg",
        "public/old-orphan.webp",
        "private/old-kept.jpg",
        "public/kept.webp",
    )
    clock.now = T0 + timedelta(minutes=59)
    put(storage, "private/young.jpg")  # uploaded, row not committed yet
    rows = Rows("private/old-kept.jpg", "public/kept.webp")

    orphans = find_orphans(storage, rows, older_than=GRACE, now=T0 + GRACE + timedelta(seconds=1))

    assert [o.key for o in orphans] == ["private/old-orphan.jpg", "public/old-orphan.webp"]
    assert all(o.modified_at == T0 and o.size == 4 for o in orphans)
    assert not any("private/young.jpg" in batch for batch in rows.batches)  # too young to even ask


def test_grace_period_boundary(storage: MemoryStorage):
    put(storage, "private/a.jpg")
    assert find_orphans(storage, Rows(), older_than=GRACE, now=T0 + GRACE - timedelta(seconds=1)) == []
    assert len(find_orphans(storage, Rows(), older_than=GRACE, now=T0 + GRACE)) == 1


def test_keys_are_asked_about_in_batches(storage: MemoryStorage):
    put(storage, *(f"private/{i:04}.jpg" for i in range(1203)))
    rows = Rows(*(f"private/{i:04}.jpg" for i in range(0, 1203, 2)))

    orphans = find_orphans(storage, rows, older_than=GRACE, now=T0 + timedelta(days=1))

    assert sorted(len(batch) for batch in rows.batches) == [203, 500, 500]
    assert all(isinstance(key, str) for batch in rows.batches for key in batch)
    assert len(orphans) == 601
    assert [o.key for o in orphans] == sorted(o.key for o in orphans)


def test_extra_keys_from_referenced_are_harmless(storage: MemoryStorage):
    put(storage, "private/a.jpg")
    orphans = find_orphans(
        storage, lambda batch: {"private/unrelated.jpg"}, older_than=GRACE, now=T0 + timedelta(days=1)
    )
    assert [o.key for o in orphans] == ["private/a.jpg"]


def test_now_must_be_aware(storage: MemoryStorage):
    with pytest.raises(ValueError):
        find_orphans(storage, Rows(), older_than=GRACE, now=datetime(2026, 3, 1, 12))  # noqa: DTZ001


def test_delete_orphans_spares_keys_that_became_referenced(storage: MemoryStorage):
    put(storage, "public/same-derivative.webp", "private/gone.jpg")
    rows = Rows()
    orphans = find_orphans(storage, rows, older_than=GRACE, now=T0 + timedelta(days=1))
    assert len(orphans) == 2
    rows.keys.add("public/same-derivative.webp")  # the same derivative was made again meanwhile

    deleted = delete_orphans(storage, orphans, rows)

    assert [o.key for o in deleted] == ["private/gone.jpg"]
    assert [o.key for o in storage.iter_objects()] == ["public/same-derivative.webp"]
