"""The one contract every backend fulfils: memory, local folder, S3 (two buckets) and S3 (one bucket)."""

from __future__ import annotations

import hashlib
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from campaign.storage import ObjectNotFound, Storage, StorageError, StoredObject

BINARY = bytes(range(256)) * 64 + b"\x00\r\n\xff"

INVALID_KEYS = [
    "",
    "private",
    "private/",
    "public/",
    "/private/a.jpg",
    "private//a.jpg",
    "private/a.jpg/",
    "private/../public/a.jpg",
    "private/a/../b.jpg",
    "private/a..jpg",
    "private/./a.jpg",
    "private\\a.jpg",
    "private/a b.jpg",
    "private/a?.jpg",
    "private/%2e%2e/a",
    "private/日本.jpg",
    "Private/a.jpg",
    "other/a.jpg",
    "a.jpg",
    "private/" + "a" * 201,
    "private/" + "a/" * 300 + "b",
]
INVALID_PREFIXES = ["/", "/private", "private//", "private/../", "other/", "x", "private/a b", "private\\"]


def fetch(url: str) -> tuple[int, bytes]:
    """An anonymous GET, as a browser without cookies or credentials would make it."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def keys(objects) -> list[str]:
    """Sorted: the contract promises no order (SeaweedFS lists a folder before keys that sort first)."""
    return sorted(obj.key for obj in objects)


def test_put_then_get_returns_the_same_bytes(storage: Storage):
    storage.put("private/ab/original.jpg", BINARY, content_type="image/jpeg")
    got = storage.get("private/ab/original.jpg")
    assert got == BINARY
    assert type(got) is bytes


def test_put_accepts_bytes_like_data_and_copies_it(storage: Storage):
    data = bytearray(b"mutable")
    storage.put("public/m.webp", data, content_type="image/webp")
    data[:] = b"changed"
    assert storage.get("public/m.webp") == b"mutable"


def test_put_overwrites(storage: Storage):
    storage.put("public/x/1.webp", b"first version", content_type="image/webp")
    storage.put("public/x/1.webp", b"second", content_type="image/webp")
    assert storage.get("public/x/1.webp") == b"second"
    assert [(o.key, o.size) for o in storage.iter_objects("public/")] == [("public/x/1.webp", 6)]


def test_empty_object(storage: Storage):
    storage.put("private/empty.bin", b"", content_type="application/octet-stream")
    assert storage.get("private/empty.bin") == b""
    assert [o.size for o in storage.iter_objects("private/")] == [0]


def test_get_missing_raises_object_not_found(storage: Storage):
    with pytest.raises(ObjectNotFound) as info:
        storage.get("private/missing.jpg")
    assert isinstance(info.value, StorageError)


def test_delete_is_idempotent(storage: Storage):
    storage.put("private/d.jpg", b"x", content_type="image/jpeg")
    storage.delete("private/d.jpg")
    storage.delete("private/d.jpg")
    storage.delete("public/never-existed.webp")
    assert not storage.exists("private/d.jpg")
    with pytest.raises(ObjectNotFound):
        storage.get("private/d.jpg")


def test_exists(storage: Storage):
    assert not storage.exists("public/e.webp")
    storage.put("public/e.webp", b"x", content_type="image/webp")
    assert storage.exists("public/e.webp")
    assert not storage.exists("private/e.webp")  # the same name in the other area is another object
    assert not storage.exists("public/e")  # no folder-like existence
    storage.put("private/f/g.jpg", b"x", content_type="image/jpeg")
    assert not storage.exists("private/f")


def test_iter_objects_lists_by_prefix_in_key_order_with_sizes(storage: Storage):
    objects = {
        "private/a/1.jpg": b"1",
        "private/a/2.jpg": b"22",
        "private/ab.jpg": b"333",
        "private/b/1.jpg": b"4444",
        "public/x/1.webp": b"55555",
        "public/x-y.webp": b"666666",
    }
    for key, data in reversed(objects.items()):
        storage.put(key, data, content_type="application/octet-stream")

    everything = list(storage.iter_objects())
    assert all(isinstance(obj, StoredObject) for obj in everything)
    assert sorted((o.key, o.size) for o in everything) == sorted((k, len(v)) for k, v in objects.items())
    assert keys(storage.iter_objects("private/a/")) == ["private/a/1.jpg", "private/a/2.jpg"]
    assert keys(storage.iter_objects("private/a")) == ["private/a/1.jpg", "private/a/2.jpg", "private/ab.jpg"]
    assert keys(storage.iter_objects("pu")) == ["public/x-y.webp", "public/x/1.webp"]
    assert keys(storage.iter_objects("public/x/1.webp")) == ["public/x/1.webp"]
    assert keys(storage.iter_objects("private/c")) == []


def test_iter_objects_on_an_empty_store(storage: Storage):
    assert list(storage.iter_objects()) == []
    assert list(storage.iter_objects("private/deep/er/")) == []


def test_modified_at_is_aware_utc_and_current(storage: Storage):
    before = datetime.now(UTC) - timedelta(seconds=5)  # S3 keeps whole seconds; clocks may differ a bit
    storage.put("private/t.jpg", b"x", content_type="image/jpeg")
    after = datetime.now(UTC) + timedelta(seconds=5)
    [obj] = storage.iter_objects("private/")
    assert obj.modified_at.tzinfo is not None and obj.modified_at.utcoffset() == timedelta(0)
    assert before <= obj.modified_at <= after


def test_copy_publishes_a_private_object_and_leaves_the_source(storage: Storage):
    storage.put("private/derivatives/c.webp", BINARY, content_type="image/webp")
    storage.copy("private/derivatives/c.webp", "public/d/c.webp", content_type="image/webp")
    assert storage.get("public/d/c.webp") == BINARY
    assert storage.get("private/derivatives/c.webp") == BINARY
    url = storage.public_url("public/d/c.webp")
    if url is not None:  # S3: the copy is readable anonymously, in the public bucket, cached forever
        assert fetch(url) == (200, BINARY)
        head = storage.client.head_object(
            Bucket=storage.bucket_for("public/d/c.webp"), Key=storage.object_key("public/d/c.webp")
        )
        assert head["ContentType"] == "image/webp"
        assert head["CacheControl"] == "public, max-age=31536000, immutable"
    storage.put("public/d/c.webp", b"older", content_type="image/webp")
    storage.copy("private/derivatives/c.webp", "public/d/c.webp", content_type="image/webp")  # replaces
    assert storage.get("public/d/c.webp") == BINARY


def test_copy_of_a_missing_object_raises_object_not_found_and_writes_nothing(storage: Storage):
    with pytest.raises(ObjectNotFound):
        storage.copy("private/derivatives/none.jpg", "public/d/none.jpg", content_type="image/jpeg")
    assert not storage.exists("public/d/none.jpg")
    with pytest.raises(ValueError):
        storage.copy("private/a.jpg", "public/b.jpg", content_type="image/jpeg\r\nX: 1")


def test_invalid_keys_are_rejected_by_every_method(storage: Storage):
    calls = {
        "put": lambda key: storage.put(key, b"x", content_type="image/jpeg"),
        "put_if_absent": lambda key: storage.put_if_absent(key, b"x", content_type="image/jpeg"),
        "get": storage.get,
        "delete": storage.delete,
        "exists": storage.exists,
        "public_url": storage.public_url,
        "private_url": storage.private_url,
        "copy from": lambda key: storage.copy(key, "public/ok.webp", content_type="image/webp"),
        "copy to": lambda key: storage.copy("private/ok.webp", key, content_type="image/webp"),
    }
    for key in INVALID_KEYS:
        for name, call in calls.items():
            with pytest.raises(ValueError):
                call(key)
                pytest.fail(f"{name}({key!r}) accepted an invalid key")
    assert list(storage.iter_objects()) == []


def test_invalid_prefixes_are_rejected(storage: Storage):
    for prefix in INVALID_PREFIXES:
        with pytest.raises(ValueError):
            storage.iter_objects(prefix)


def test_unusual_but_valid_keys_work(storage: Storage):
    for key in ["private/.storage-check/1", "public/A-b_c.9/D.E.webp", "private/" + "a" * 200]:
        storage.put(key, b"ok", content_type="text/plain")
        assert storage.get(key) == b"ok"
        storage.delete(key)


def test_put_checks_its_arguments(storage: Storage):
    with pytest.raises(ValueError):
        storage.put("public/a.webp", b"x", content_type="")
    with pytest.raises(ValueError):
        storage.put("public/a.webp", b"x", content_type="image/webp\r\nX-Evil: 1")
    with pytest.raises(TypeError):
        storage.put("public/a.webp", "text", content_type="text/plain")  # type: ignore[arg-type]
    assert not storage.exists("public/a.webp")


def test_put_if_absent_stores_a_new_object_and_says_so(storage: Storage):
    assert storage.put_if_absent("public/c/1.webp", BINARY, content_type="image/webp") is True
    assert storage.get("public/c/1.webp") == BINARY


def test_put_if_absent_leaves_an_existing_object_alone(storage: Storage):
    storage.put("private/c/1.jpg", b"first", content_type="image/jpeg")
    assert storage.put_if_absent("private/c/1.jpg", b"second", content_type="image/jpeg") is False
    assert storage.get("private/c/1.jpg") == b"first"
    assert [(o.key, o.size) for o in storage.iter_objects("private/")] == [("private/c/1.jpg", 5)]


def test_of_writers_racing_for_one_key_exactly_one_stores_it(storage: Storage):
    """Whoever gets True may delete the object (its transaction rolled back): only one may think so."""
    writers = 6
    barrier = threading.Barrier(writers)
    stored: list[bytes] = []

    def write(data: bytes) -> None:
        barrier.wait()
        if storage.put_if_absent("public/race/1.webp", data, content_type="image/webp"):
            stored.append(data)

    threads = [threading.Thread(target=write, args=(b"writer %d" % n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stored) == 1
    assert storage.get("public/race/1.webp") == stored[0]


def test_put_if_absent_checks_its_arguments(storage: Storage):
    with pytest.raises(ValueError):
        storage.put_if_absent("public/a.webp", b"x", content_type="")
    with pytest.raises(TypeError):
        storage.put_if_absent("public/a.webp", "text", content_type="text/plain")  # type: ignore[arg-type]
    assert not storage.exists("public/a.webp")


def test_public_url_is_none_or_serves_the_object_anonymously(storage: Storage):
    storage.put("public/p/1.webp", BINARY, content_type="image/webp")
    url = storage.public_url("public/p/1.webp")
    if storage.name in ("memory", "local"):
        assert url is None
    else:
        assert url is not None and url.startswith("http")
        assert fetch(url) == (200, BINARY)


def test_private_keys_never_get_a_public_url(storage: Storage):
    storage.put("private/secret.jpg", b"x", content_type="image/jpeg")
    with pytest.raises(ValueError):
        storage.public_url("private/secret.jpg")


def test_private_url_is_none_or_a_working_presigned_url(storage: Storage):
    storage.put("private/o/original.jpg", BINARY, content_type="image/jpeg")
    url = storage.private_url("private/o/original.jpg", expires_in=60)
    if storage.name in ("memory", "local"):
        assert url is None
        return
    assert url is not None and "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url
    assert fetch(url) == (200, BINARY)
    unsigned = url.split("?", 1)[0]
    assert fetch(unsigned)[0] == 403  # the original is not readable without the signature


def test_private_url_expiry_must_be_sensible(storage: Storage):
    for expires_in in (0, -1, 7 * 24 * 3600 + 1):
        with pytest.raises(ValueError):
            storage.private_url("private/a.jpg", expires_in=expires_in)


def test_concurrent_puts_and_gets(storage: Storage):
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(5):
                key = f"private/c/{n}-{i}.bin"
                storage.put(key, f"{n}:{i}".encode() * 100, content_type="application/octet-stream")
                assert storage.get(key) == f"{n}:{i}".encode() * 100
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(list(storage.iter_objects("private/c/"))) == 20


def test_check_is_empty_on_a_healthy_backend(storage: Storage):
    storage.put("private/keep.jpg", b"x", content_type="image/jpeg")
    assert storage.check() == []
    assert keys(storage.iter_objects()) == ["private/keep.jpg"]  # the probe objects are gone again


def test_put_takes_the_data_digest_the_caller_has(storage: Storage):
    digest = hashlib.sha256(BINARY).digest()
    storage.put("private/d/1.jpg", BINARY, content_type="image/jpeg", sha256=digest)
    assert storage.put_if_absent("private/d/2.jpg", BINARY, content_type="image/jpeg", sha256=digest)
    assert storage.get("private/d/1.jpg") == storage.get("private/d/2.jpg") == BINARY


@pytest.mark.parametrize("digest", [b"short", hashlib.sha256(b"x").hexdigest()])
def test_put_refuses_what_is_not_a_sha256_digest_and_stores_nothing(storage: Storage, digest):
    with pytest.raises(ValueError, match="SHA-256"):
        storage.put("private/d/3.jpg", BINARY, content_type="image/jpeg", sha256=digest)
    with pytest.raises(ValueError, match="SHA-256"):
        storage.put_if_absent("private/d/3.jpg", BINARY, content_type="image/jpeg", sha256=digest)
    assert not storage.exists("private/d/3.jpg")


def test_the_memory_backend_refuses_a_digest_of_other_bytes_as_aws_s3_does():
    from campaign.storage.memory import MemoryStorage

    storage = MemoryStorage()
    wrong = hashlib.sha256(b"other bytes").digest()
    with pytest.raises(ValueError, match="not the SHA-256"):
        storage.put("private/d/4.jpg", BINARY, content_type="image/jpeg", sha256=wrong)
    with pytest.raises(ValueError, match="not the SHA-256"):
        storage.put_if_absent("private/d/4.jpg", BINARY, content_type="image/jpeg", sha256=wrong)
    assert not storage.exists("private/d/4.jpg")
