"""`flask storage check` for S3: turn what the server answers into a problem an operator can act on."""

from __future__ import annotations

import email.utils
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any, Protocol

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from campaign.storage.base import AREAS, PRIVATE, PUBLIC, StorageError, probe_key
from campaign.storage.s3_settings import S3Settings


class CheckedS3(Protocol):
    """What the check uses of `s3.S3Storage` (which calls it): no import back, so no cycle."""

    settings: S3Settings
    client: Any

    @property
    def endpoint_url(self) -> str: ...
    def bucket_for(self, key: str) -> str: ...
    def object_key(self, key: str) -> str: ...
    def put(self, key: str, data: bytes, *, content_type: str, sha256: bytes | None = None) -> None: ...
    def put_if_absent(
        self, key: str, data: bytes, *, content_type: str, sha256: bytes | None = None
    ) -> bool: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def public_url(self, key: str) -> str | None: ...
    def direct_url(self, key: str) -> str: ...
    def private_url(self, key: str, *, expires_in: int = 300) -> str | None: ...


# Signed requests fail beyond 15 minutes of skew; presigned URLs already misbehave well before that.
MAX_CLOCK_SKEW = 60.0

_DENIED = frozenset({"AccessDenied", "403", "Forbidden", "AllAccessDisabled"})
_MISSING_BUCKET = frozenset({"NoSuchBucket"})
_WRONG_REGION = frozenset(
    {"AuthorizationHeaderMalformed", "PermanentRedirect", "301", "IllegalLocationConstraintException"}
)


IGNORES_IF_NONE_MATCH = (
    "the S3 server ignores conditional writes (If-None-Match: *): it overwrote an existing object. Photo "
    "renditions shared by two entries could then be deleted with the one that did not commit; use a server "
    "that honours them (AWS S3, a current SeaweedFS or MinIO)"
)


class _Fatal(Exception):
    """A problem that makes every further step pointless (unreachable, bad credentials)."""


def check_s3(storage: CheckedS3) -> list[str]:
    """Buckets listable, then per area a probe object written, read, fetched over HTTP and deleted."""
    problems: list[str] = []
    try:
        usable = _check_buckets(storage, problems)
        for area in AREAS:
            if storage.bucket_for(area) in usable:
                _check_probe(storage, area, problems)
    except _Fatal as fatal:
        problems.append(str(fatal))
    return problems


def _check_buckets(storage: CheckedS3, problems: list[str]) -> set[str]:
    """List each area in its bucket, reporting missing or forbidden buckets; returns those that answered."""
    usable = set()
    for area in AREAS:
        bucket = storage.bucket_for(area)
        try:
            prefix = storage.object_key(area)
            response = storage.client.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1)
        except (ClientError, BotoCoreError) as exc:
            problem = _explain(storage, exc, role=_role(storage, area), bucket=bucket, action="list objects")
            if problem not in problems:
                problems.append(problem)
            continue
        usable.add(bucket)
        skew = clock_skew_problem(response, datetime.now(UTC))
        if skew and not any(p.startswith("clock skew") for p in problems):
            problems.append(skew)
    return usable


def _check_probe(storage: CheckedS3, area: str, problems: list[str]) -> None:
    """Write, read back, fetch over HTTP and delete a probe object, as the app and browsers would."""
    key = probe_key(area)
    bucket = storage.bucket_for(key)
    payload = b"kuchikomi storage check " + key.encode()

    def explain(exc: StorageError, action: str) -> str:
        cause = exc.__cause__ or exc
        return _explain(storage, cause, role=_role(storage, area), bucket=bucket, action=action)

    try:
        storage.put(key, payload, content_type="text/plain")
    except StorageError as exc:
        problems.append(explain(exc, "write objects"))
        return
    try:
        try:
            if storage.get(key) != payload:
                problems.append(f"a {area} probe object read back differs from what was written")
        except StorageError as exc:
            problems.append(explain(exc, "read objects"))
            return
        if area == PUBLIC:
            _check_public_url(storage, key, payload, problems)
        else:
            _check_private_urls(storage, key, payload, problems)
        try:
            if (
                storage.put_if_absent(key, payload, content_type="text/plain")
                and IGNORES_IF_NONE_MATCH not in problems
            ):
                problems.append(IGNORES_IF_NONE_MATCH)
        except StorageError as exc:
            problems.append(explain(exc, "write objects conditionally (If-None-Match)"))
    finally:
        try:
            storage.delete(key)
        except StorageError as exc:
            problems.append(explain(exc, "delete objects"))


def _check_public_url(storage: CheckedS3, key: str, payload: bytes, problems: list[str]) -> None:
    url = storage.public_url(key)
    status, body = _fetch(url, storage.settings.read_timeout)
    if status != 200 or body != payload:
        detail = f"HTTP {status}" if status else body.decode(errors="replace")
        problems.append(
            f"public objects are not readable at their public URL {url} ({detail}): browsers would get "
            "broken images; allow anonymous (or CDN) reads on the public bucket, or fix S3_PUBLIC_BASE_URL"
        )


def _check_private_urls(storage: CheckedS3, key: str, payload: bytes, problems: list[str]) -> None:
    url = storage.direct_url(key)
    status, _ = _fetch(url, storage.settings.read_timeout)
    if status == 200:
        problems.append(
            f"private objects are readable WITHOUT credentials at {url}: customer originals are public; "
            f"block public access on bucket '{storage.bucket_for(key)}' (or limit anonymous reads to "
            f"'{storage.settings.key_prefix}public/*')"
        )
    signed = storage.private_url(key, expires_in=60)
    status, body = _fetch(signed, storage.settings.read_timeout)
    if status != 200 or body != payload:
        detail = f"HTTP {status}" if status else body.decode(errors="replace")
        problems.append(f"presigned URLs for private objects do not work from here ({detail})")


def _fetch(url: str, timeout: float) -> tuple[int | None, bytes]:
    """GET without credentials: (status, body), or (None, reason) when the server can't be reached."""
    if not url.startswith(("http://", "https://")):
        return None, b"not an http(s) URL"
    request = urllib.request.Request(url, headers={"User-Agent": "kuchikomi-storage-check"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""
    except (OSError, ValueError) as exc:
        return None, f"unreachable: {exc}".encode()


def clock_skew_problem(response: dict[str, Any], local_now: datetime) -> str | None:
    """Compare the server's Date header with our clock; a problem string when they are too far apart."""
    header = response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
    if not header:
        return None
    try:
        server_now = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    skew = (local_now - server_now).total_seconds()
    if abs(skew) <= MAX_CLOCK_SKEW:
        return None
    return _skew_message(skew, header)


def _skew_message(skew: float, header: str) -> str:
    direction = "ahead of" if skew > 0 else "behind"
    return (
        f"clock skew: this machine's clock is {abs(skew):.0f} s {direction} the S3 server's "
        f"(server Date: {header}); signed requests and presigned URLs fail; synchronise the clock (NTP)"
    )


def _role(storage: CheckedS3, area: str) -> str:
    s = storage.settings
    if s.private_bucket == s.public_bucket:
        return "shared (S3_PRIVATE_BUCKET = S3_PUBLIC_BUCKET)"
    return "private (S3_PRIVATE_BUCKET)" if area == PRIVATE else "public (S3_PUBLIC_BUCKET)"


def _explain(storage: CheckedS3, exc: BaseException, *, role: str, bucket: str, action: str) -> str:
    """One sentence naming the cause; raises _Fatal when nothing else can be checked."""
    s = storage.settings
    endpoint = storage.endpoint_url
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError | ConnectionClosedError):
        raise _Fatal(f"cannot reach the S3 endpoint {endpoint}: {exc}")
    if isinstance(exc, ReadTimeoutError):
        raise _Fatal(
            f"the S3 endpoint {endpoint} accepted the connection but did not answer within "
            f"{s.read_timeout:g} s"
        )
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        raise _Fatal(
            "no S3 credentials: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or configure "
            "boto3's default credential chain"
        )
    if not isinstance(exc, ClientError):
        return f"cannot {action} in {role} bucket '{bucket}': {exc}"
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    message = error.get("Message", "")
    key_id = s.access_key_id or "from the default credential chain"
    if code == "InvalidAccessKeyId":
        raise _Fatal(
            f"bad credentials: the S3 server does not know the access key {key_id} (S3_ACCESS_KEY_ID)"
        )
    if code == "SignatureDoesNotMatch":
        raise _Fatal(
            f"bad credentials: the S3 server rejected the signature made with access key {key_id}; "
            "the secret key is wrong (S3_SECRET_ACCESS_KEY)"
        )
    if code == "RequestTimeTooSkewed":
        header = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date", "")
        skew = clock_skew_problem(exc.response, datetime.now(UTC))
        raise _Fatal(
            skew
            or f"clock skew: the S3 server rejected the request time (server Date: {header}); "
            "synchronise the clock (NTP)"
        )
    if code in _MISSING_BUCKET:
        return f"{role} bucket '{bucket}' does not exist at {endpoint}"
    if code in _DENIED:
        return (
            f"access denied: the credentials (access key {key_id}) may not {action} in {role} bucket "
            f"'{bucket}'{': ' + message if message and message != 'Forbidden' else ''}"
        )
    if code in _WRONG_REGION:
        region = s.region or "(default)"
        return f"wrong region: bucket '{bucket}' is not in region {region} ({code}: {message})"
    return f"cannot {action} in {role} bucket '{bucket}': {code or type(exc).__name__}: {message or exc}"
