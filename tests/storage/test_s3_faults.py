"""Real network faults become StorageError within a bounded time: refused, silent, stopped server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

from campaign.storage import StorageError, build_storage
from tests.fixtures.fault_proxy import FaultProxy, SilentServer
from tests.fixtures.seaweedfs import SeaweedFS, port_is_closed, process_group_alive

pytestmark = pytest.mark.s3


def test_refused_connection_fails_fast(seaweedfs: SeaweedFS, closed_port: int):
    storage = build_storage(
        seaweedfs.storage_config(
            S3_ENDPOINT_URL=f"http://127.0.0.1:{closed_port}", S3_CONNECT_TIMEOUT=0.5, S3_MAX_ATTEMPTS=2
        )
    )
    began = time.monotonic()
    with pytest.raises(StorageError) as info:
        storage.put("private/a.jpg", b"x", content_type="image/jpeg")
    assert time.monotonic() - began < 3
    assert isinstance(info.value.__cause__, EndpointConnectionError)


def test_put_if_absent_maps_failures_to_storage_error_not_to_an_existing_object(
    seaweedfs: SeaweedFS, closed_port: int
):
    """Only the server's 412 means "already there": a refusal or a connection error is a StorageError."""
    unreachable = build_storage(
        seaweedfs.storage_config(S3_ENDPOINT_URL=f"http://127.0.0.1:{closed_port}", S3_MAX_ATTEMPTS=1)
    )
    with pytest.raises(StorageError) as info:
        unreachable.put_if_absent("private/a.jpg", b"x", content_type="image/jpeg")
    assert isinstance(info.value.__cause__, EndpointConnectionError)
    wrong_secret = build_storage(seaweedfs.storage_config(S3_SECRET_ACCESS_KEY="wrong", S3_MAX_ATTEMPTS=1))
    with pytest.raises(StorageError, match="SignatureDoesNotMatch"):
        wrong_secret.put_if_absent("private/a.jpg", b"x", content_type="image/jpeg")


def test_a_put_cut_off_mid_body_is_sent_again_whole(seaweedfs: SeaweedFS, fault_proxy: FaultProxy):
    """The body is bytes, not a stream to rewind: a retry sends all of it again; what is stored is whole."""
    storage = build_storage(seaweedfs.storage_config(S3_ENDPOINT_URL=fault_proxy.url, S3_MAX_ATTEMPTS=3))
    data = bytes(range(256)) * 1024  # 256 KB: cut after its first 16 KB
    fault_proxy.set_mode("cut", on_cut=lambda: setattr(fault_proxy, "mode", "pass"))
    storage.put("private/cut/a.jpg", data, content_type="image/jpeg")
    assert fault_proxy.cuts == 1
    assert storage.get("private/cut/a.jpg") == data


def test_silent_server_times_out_after_every_attempt(seaweedfs: SeaweedFS, silent_server: SilentServer):
    read_timeout, attempts = 0.5, 2
    storage = build_storage(
        seaweedfs.storage_config(
            S3_ENDPOINT_URL=f"http://127.0.0.1:{silent_server.port}",
            S3_READ_TIMEOUT=read_timeout,
            S3_MAX_ATTEMPTS=attempts,
        )
    )
    began = time.monotonic()
    with pytest.raises(StorageError) as info:
        storage.put("private/a.jpg", b"x", content_type="image/jpeg")
    elapsed = time.monotonic() - began
    assert isinstance(info.value.__cause__, ReadTimeoutError)
    # Exactly the configured attempts, each one waiting out its read timeout (the time has only a floor
    # here; the count is what is bounded).
    assert silent_server.connections == attempts
    assert elapsed >= read_timeout * attempts
    with pytest.raises(StorageError) as info:
        storage.get("private/a.jpg")
    assert isinstance(info.value.__cause__, ReadTimeoutError)
    assert silent_server.connections == 2 * attempts


def test_server_stopped_mid_test_then_restarted(seaweedfs: SeaweedFS, s3_storage):
    s3_storage.put("private/before.jpg", b"kept", content_type="image/jpeg")
    pgid = seaweedfs.process.pid

    seaweedfs.stop()
    assert not process_group_alive(pgid), "a weed process survived stop()"
    assert all(port_is_closed(port) for port in seaweedfs.ports.values())
    assert not any(
        Path(f"/tmp/seaweedfs-{n}-grpc-{seaweedfs.ports[n + '_grpc']}.sock").exists()
        for n in ("master", "volume", "filer", "s3")
    )
    try:
        began = time.monotonic()
        with pytest.raises(StorageError):
            s3_storage.put("private/during.jpg", b"x", content_type="image/jpeg")
        with pytest.raises(StorageError):
            s3_storage.exists("private/before.jpg")
        assert time.monotonic() - began < 5
        [problem] = s3_storage.check()
        assert problem.startswith("cannot reach the S3 endpoint")
    finally:
        seaweedfs.start()

    assert s3_storage.get("private/before.jpg") == b"kept"  # same data folder, same client
    s3_storage.put("private/after.jpg", b"x", content_type="image/jpeg")
    assert s3_storage.check() == []
