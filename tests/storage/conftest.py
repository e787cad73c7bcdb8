"""Storage backends under test, and small real servers that misbehave on purpose."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest

from campaign.storage import Storage, build_storage
from tests.fixtures.fault_proxy import SilentServer
from tests.fixtures.seaweedfs import SHARED_BUCKET, SeaweedFS

BACKENDS = [
    "memory",
    "local",
    pytest.param("s3", marks=pytest.mark.s3),
    pytest.param("s3-shared", marks=pytest.mark.s3),
]


@pytest.fixture(params=BACKENDS)
def storage(request: pytest.FixtureRequest, tmp_path) -> Storage:
    """Every backend, fresh and empty: S3 tests get their own key prefix (or an emptied shared bucket)."""
    kind = request.param
    if kind == "memory":
        return build_storage({"STORAGE_BACKEND": "memory"})
    if kind == "local":
        return build_storage({"STORAGE_BACKEND": "local", "STORAGE_LOCAL_ROOT": str(tmp_path / "uploads")})
    server: SeaweedFS = request.getfixturevalue("seaweedfs")
    if kind == "s3":
        return build_storage(server.storage_config(S3_KEY_PREFIX=f"t-{uuid.uuid4().hex[:12]}/"))
    server.empty_bucket(SHARED_BUCKET)
    return build_storage(
        server.storage_config(S3_PRIVATE_BUCKET=SHARED_BUCKET, S3_PUBLIC_BUCKET=SHARED_BUCKET)
    )


@pytest.fixture
def s3_storage(seaweedfs: SeaweedFS) -> Storage:
    """The recommended two-bucket layout, under a key prefix of its own."""
    return build_storage(seaweedfs.storage_config(S3_KEY_PREFIX=f"t-{uuid.uuid4().hex[:12]}/"))


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


@pytest.fixture
def silent_port(silent_server: SilentServer) -> int:
    """A port that completes the TCP handshake but never reads or answers."""
    return silent_server.port
