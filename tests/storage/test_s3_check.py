"""`check()` on S3 names the actual cause: credentials, buckets, endpoint, clock, exposure."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from campaign.storage import build_storage
from campaign.storage.s3_check import clock_skew_problem
from tests.fixtures.seaweedfs import PRIVATE_BUCKET, PUBLIC_BUCKET, SeaweedFS

pytestmark = pytest.mark.s3


def only(problems: list[str]) -> str:
    assert len(problems) == 1, problems
    return problems[0]


def test_wrong_secret_is_reported_as_bad_credentials(seaweedfs: SeaweedFS):
    storage = build_storage(seaweedfs.storage_config(S3_SECRET_ACCESS_KEY="wrong-secret"))
    problem = only(storage.check())
    assert problem.startswith("bad credentials")
    assert "secret key is wrong (S3_SECRET_ACCESS_KEY)" in problem


def test_unknown_access_key_is_reported_as_bad_credentials(seaweedfs: SeaweedFS):
    storage = build_storage(seaweedfs.storage_config(S3_ACCESS_KEY_ID="nobody"))
    problem = only(storage.check())
    assert problem.startswith("bad credentials")
    assert "does not know the access key nobody" in problem


def test_missing_bucket_is_named(seaweedfs: SeaweedFS):
    storage = build_storage(seaweedfs.storage_config(S3_PUBLIC_BUCKET="kuchikomi-nowhere"))
    problem = only(storage.check())
    assert "public (S3_PUBLIC_BUCKET) bucket 'kuchikomi-nowhere' does not exist" in problem
    assert PRIVATE_BUCKET not in problem  # the private bucket was fine (and probed)


def test_unreachable_endpoint_is_reported(seaweedfs: SeaweedFS, closed_port: int):
    storage = build_storage(
        seaweedfs.storage_config(S3_ENDPOINT_URL=f"http://127.0.0.1:{closed_port}", S3_MAX_ATTEMPTS=1)
    )
    problem = only(storage.check())
    assert problem.startswith(f"cannot reach the S3 endpoint http://127.0.0.1:{closed_port}")


def test_silent_endpoint_is_reported(seaweedfs: SeaweedFS, silent_port: int):
    storage = build_storage(
        seaweedfs.storage_config(
            S3_ENDPOINT_URL=f"http://127.0.0.1:{silent_port}", S3_READ_TIMEOUT=0.5, S3_MAX_ATTEMPTS=1
        )
    )
    problem = only(storage.check())
    assert "accepted the connection but did not answer within 0.5 s" in problem


def test_private_objects_readable_without_credentials_are_reported(seaweedfs: SeaweedFS):
    # The public bucket allows anonymous reads; using it for originals too would expose them.
    storage = build_storage(seaweedfs.storage_config(S3_PRIVATE_BUCKET=PUBLIC_BUCKET, S3_KEY_PREFIX="chk/"))
    problem = only(storage.check())
    assert "private objects are readable WITHOUT credentials" in problem


def test_public_objects_that_browsers_cannot_read_are_reported(seaweedfs: SeaweedFS):
    storage = build_storage(seaweedfs.storage_config(S3_PUBLIC_BUCKET=PRIVATE_BUCKET, S3_KEY_PREFIX="chk/"))
    problem = only(storage.check())
    assert problem.startswith("public objects are not readable at their public URL")
    assert "HTTP 403" in problem


class _SkewedS3(BaseHTTPRequestHandler):
    """Answers every request the way S3 does when the request time is an hour off."""

    def date_time_string(self, timestamp=None):  # the Date header
        return format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)

    def _refuse(self):
        body = (
            b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>RequestTimeTooSkewed</Code>'
            b"<Message>The difference between the request time and the server's time is too large."
            b"</Message></Error>"
        )
        self.send_response(403)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_HEAD = do_DELETE = _refuse

    def log_message(self, format, *args):
        pass


@pytest.fixture
def skewed_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SkewedS3)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_clock_skew_is_reported_with_its_size(seaweedfs: SeaweedFS, skewed_server: str):
    storage = build_storage(seaweedfs.storage_config(S3_ENDPOINT_URL=skewed_server, S3_MAX_ATTEMPTS=1))
    problem = only(storage.check())
    assert problem.startswith("clock skew: this machine's clock is")
    assert "behind the S3 server's" in problem
    reported = int(problem.split("clock is ")[1].split(" s ")[0])
    assert round(reported / 60) == 60  # the server's clock is set an hour ahead; reported to the second


def test_clock_skew_from_the_date_header_of_a_successful_response():
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)

    def response(server_time: datetime) -> dict:
        return {"ResponseMetadata": {"HTTPHeaders": {"date": format_datetime(server_time, usegmt=True)}}}

    assert clock_skew_problem(response(now - timedelta(seconds=30)), now) is None
    assert clock_skew_problem({"ResponseMetadata": {"HTTPHeaders": {}}}, now) is None
    ahead = clock_skew_problem(response(now - timedelta(minutes=5)), now)
    assert ahead is not None and "300 s ahead of" in ahead
    behind = clock_skew_problem(response(now + timedelta(minutes=20)), now)
    assert behind is not None and "1200 s behind" in behind
