"""What only the S3 backend does: headers, layout, presigned expiry, client configuration, settings."""

from __future__ import annotations

import base64
import hashlib
import time
import urllib.error
import urllib.request
import zlib

import pytest
from botocore.exceptions import ClientError

from campaign.storage import StorageError, build_storage, s3_signing
from campaign.storage.s3 import S3Settings, S3Storage
from tests.fixtures.fault_proxy import SilentServer
from tests.fixtures.seaweedfs import PRIVATE_BUCKET, PUBLIC_BUCKET, SeaweedFS

pytestmark = pytest.mark.s3


def fetch_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_objects_carry_content_type_and_cache_control(s3_storage: S3Storage, seaweedfs: SeaweedFS):
    s3_storage.put("public/ab/cd.webp", b"RIFF....WEBP", content_type="image/webp")
    s3_storage.put("private/ab/original.heic", b"....ftypheic", content_type="image/heic")
    prefix = s3_storage.settings.key_prefix

    public = seaweedfs.client().head_object(Bucket=PUBLIC_BUCKET, Key=f"{prefix}public/ab/cd.webp")
    assert public["ContentType"] == "image/webp"
    assert public["CacheControl"] == "public, max-age=31536000, immutable"

    private = seaweedfs.client().head_object(Bucket=PRIVATE_BUCKET, Key=f"{prefix}private/ab/original.heic")
    assert private["ContentType"] == "image/heic"
    assert private["CacheControl"] == "private, no-store"


def test_each_area_lives_in_its_own_bucket_under_the_key_prefix(s3_storage: S3Storage, seaweedfs: SeaweedFS):
    s3_storage.put("private/a.jpg", b"x", content_type="image/jpeg")
    s3_storage.put("public/a.webp", b"y", content_type="image/webp")
    prefix = s3_storage.settings.key_prefix
    client = seaweedfs.client()

    def listed(bucket: str) -> list[str]:
        return [o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]

    assert listed(PRIVATE_BUCKET) == [f"{prefix}private/a.jpg"]
    assert listed(PUBLIC_BUCKET) == [f"{prefix}public/a.webp"]


def test_listing_ignores_objects_that_are_not_ours(s3_storage: S3Storage, seaweedfs: SeaweedFS):
    prefix = s3_storage.settings.key_prefix
    client = seaweedfs.client()
    client.put_object(Bucket=PRIVATE_BUCKET, Key=f"{prefix}private/not a valid key.jpg", Body=b"x")
    client.put_object(Bucket=PRIVATE_BUCKET, Key=f"{prefix}public/in-the-wrong-bucket.webp", Body=b"x")
    client.put_object(Bucket=PRIVATE_BUCKET, Key=f"{prefix}elsewhere/a.jpg", Body=b"x")
    s3_storage.put("private/mine.jpg", b"x", content_type="image/jpeg")
    assert [o.key for o in s3_storage.iter_objects()] == ["private/mine.jpg"]


def test_presigned_url_expires(s3_storage: S3Storage):
    s3_storage.put("private/expiring.jpg", b"x", content_type="image/jpeg")
    url = s3_storage.private_url("private/expiring.jpg", expires_in=1)
    assert fetch_status(url) == 200
    time.sleep(2.1)
    assert fetch_status(url) == 403


def test_public_url_uses_the_base_url_and_keeps_the_key_prefix():
    storage = S3Storage(
        {
            "private_bucket": "kk-private",
            "public_bucket": "kk-public",
            "key_prefix": "kuchikomi/",
            "public_base_url": "https://cdn.example.com/",
            "region": "eu-central-1",
        }
    )
    assert storage.public_url("public/ab/cd.webp") == "https://cdn.example.com/kuchikomi/public/ab/cd.webp"


def test_public_url_falls_back_to_the_endpoints_path_style_url(seaweedfs: SeaweedFS):
    storage = build_storage(seaweedfs.storage_config(S3_KEY_PREFIX="p/"))
    assert storage.public_url("public/x.webp") == f"{seaweedfs.endpoint_url}/{PUBLIC_BUCKET}/p/public/x.webp"


def test_client_is_configured_explicitly():
    storage = S3Storage(
        {
            "private_bucket": "kk-private",
            "public_bucket": "kk-public",
            "endpoint_url": "http://127.0.0.1:9",
            "connect_timeout": 1.5,
            "read_timeout": 4,
            "max_attempts": 5,
            "access_key_id": "AK",
            "secret_access_key": "SK",
        }
    )
    config = storage.client.meta.config
    assert config.signature_version == "s3v4"
    assert (config.connect_timeout, config.read_timeout) == (1.5, 4.0)
    assert config.retries == {"mode": "standard", "total_max_attempts": 5}
    assert config.s3 == {"addressing_style": "path"}  # an endpoint_url means an S3-compatible server
    assert S3Settings(private_bucket="abc", public_bucket="abc").effective_addressing_style == "virtual"
    assert "SK" not in repr(storage.settings)


def test_defaults_for_timeouts_and_retries():
    settings = S3Settings.from_mapping({"private_bucket": "kk-a", "public_bucket": "kk-b"})
    assert (settings.connect_timeout, settings.read_timeout, settings.max_attempts) == (3.0, 10.0, 3)


def test_settings_from_environment_strings():
    settings = S3Settings.from_mapping(
        {
            "private_bucket": "kk-a",
            "public_bucket": "kk-b",
            "endpoint_url": "",
            "connect_timeout": "0.5",
            "max_attempts": "2",
            "key_prefix": "kuchikomi/prod/",
        }
    )
    assert settings.endpoint_url is None
    assert (settings.connect_timeout, settings.max_attempts) == (0.5, 2)


@pytest.mark.parametrize(
    "overrides",
    [
        {"private_bucket": ""},
        {"public_bucket": None},
        {"private_bucket": "Not_A_Bucket"},
        {"key_prefix": "kuchikomi"},
        {"key_prefix": "/kuchikomi/"},
        {"key_prefix": "a/../"},
        {"addressing_style": "sideways"},
        {"endpoint_url": "s3.example.com"},
        {"access_key_id": "AK"},
        {"connect_timeout": "soon"},
        {"read_timeout": 0},
        {"max_attempts": 0},
        {"bucket": "typo"},
    ],
)
def test_invalid_settings_are_refused(overrides):
    with pytest.raises(ValueError):
        S3Settings.from_mapping({"private_bucket": "kk-a", "public_bucket": "kk-b", **overrides})


def test_building_does_not_touch_the_network(silent_server: SilentServer):
    storage = build_storage(
        {
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{silent_server.port}",
            "S3_PRIVATE_BUCKET": "kk-a",
            "S3_PUBLIC_BUCKET": "kk-b",
            "S3_ACCESS_KEY_ID": "AK",
            "S3_SECRET_ACCESS_KEY": "SK",
        }
    )
    assert storage.name == "s3"
    assert storage.private_url("private/a.jpg") is not None  # presigning is local too
    assert silent_server.connections == 0


def test_wrong_secret_surfaces_as_storage_error(seaweedfs: SeaweedFS):
    storage = build_storage(seaweedfs.storage_config(S3_SECRET_ACCESS_KEY="not-the-secret"))
    with pytest.raises(StorageError) as info:
        storage.put("private/a.jpg", b"x", content_type="image/jpeg")
    assert isinstance(info.value.__cause__, ClientError)
    assert info.value.__cause__.response["Error"]["Code"] == "SignatureDoesNotMatch"
    for call in (lambda: storage.get("private/a.jpg"), lambda: storage.exists("private/a.jpg")):
        with pytest.raises(StorageError):
            call()
    with pytest.raises(StorageError):
        list(storage.iter_objects())


def test_a_put_sends_its_bytes_as_they_are(s3_storage: S3Storage):
    """botocore would wrap a bytes body in a file object, read it back in pieces to checksum and send it,
    and wait for the server's "100 Continue" before sending it. The photo goes as the bytes it is, with the
    same checksum, and arrives whole."""
    sent = []
    s3_storage.client.meta.events.register(
        "before-send.s3.PutObject", lambda request, **_: sent.append(request)
    )
    data = b"\xff\xd8" + bytes(range(256)) * 4096
    s3_storage.put("private/whole/1.jpg", data, content_type="image/jpeg")
    assert s3_storage.put_if_absent("private/whole/2.jpg", data, content_type="image/jpeg")
    assert [type(request.body) for request in sent] == [bytes, bytes]
    assert all(request.body == data for request in sent)
    assert not any("Expect" in request.headers for request in sent)
    crc32 = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    assert {request.headers["x-amz-checksum-crc32"].decode() for request in sent} == {crc32}
    assert s3_storage.get("private/whole/1.jpg") == s3_storage.get("private/whole/2.jpg") == data


class Signing:
    """The signer chosen (before-sign) and the payload hash sent (X-Amz-Content-SHA256, before-send) for each
    request of a client, by operation, in order (botocore's events: they observe only)."""

    def __init__(self, storage: S3Storage) -> None:
        self.signers: list[tuple[str, str]] = []
        self.payloads: list[str] = []
        events = storage.client.meta.events
        events.register("before-sign.s3", self._signed)
        events.register("before-send.s3.PutObject", self._sent)

    def _signed(self, operation_name, signature_version, **_) -> None:
        self.signers.append((operation_name, signature_version))

    def _sent(self, request, **_) -> None:
        self.payloads.append(request.headers["X-Amz-Content-SHA256"].decode())


def test_a_put_with_its_digest_is_signed_with_it_and_not_hashed_again(s3_storage: S3Storage):
    signing = Signing(s3_storage)
    data = b"\xff\xd8" + bytes(range(256)) * 400
    digest = hashlib.sha256(data).digest()

    s3_storage.put("private/signed/1.jpg", data, content_type="image/jpeg", sha256=digest)
    s3_storage.put("private/signed/2.jpg", data, content_type="image/jpeg")  # botocore hashes it
    assert signing.payloads == [digest.hex(), digest.hex()]
    assert signing.signers == [("PutObject", s3_signing.SIGNATURE_VERSION), ("PutObject", "s3v4")]
    assert s3_storage.get("private/signed/1.jpg") == s3_storage.get("private/signed/2.jpg") == data

    # A digest of other bytes is what the request is signed with: botocore did not hash the body. AWS S3
    # refuses such a put (XAmzContentSHA256Mismatch). SeaweedFS does not check the payload hash; it checks
    # the body's CRC32, which botocore still computes from the bytes, so what it stores is what was sent.
    other = hashlib.sha256(b"other bytes").digest()
    try:
        s3_storage.put("private/signed/3.jpg", data, content_type="image/jpeg", sha256=other)
    except StorageError:
        assert not s3_storage.exists("private/signed/3.jpg")
    else:
        assert s3_storage.get("private/signed/3.jpg") == data
    assert signing.payloads[-1] == other.hex()


def test_the_known_payload_signer_leaves_other_requests_to_botocore(s3_storage: S3Storage):
    signing = Signing(s3_storage)
    digest = hashlib.sha256(b"x").digest()
    assert s3_storage.put_if_absent("private/signed/x", b"x", content_type="text/plain", sha256=digest)
    assert not s3_storage.put_if_absent("private/signed/x", b"y", content_type="text/plain", sha256=digest)
    assert signing.payloads == [digest.hex(), digest.hex()]
    url = s3_storage.private_url("private/signed/x", expires_in=60)  # presigned: botocore's query signer
    assert fetch_status(url) == 200
    s3_storage.copy("private/signed/x", "public/signed/x.webp", content_type="image/webp")
    assert s3_storage.get("public/signed/x.webp") == b"x"
    puts = [version for operation, version in signing.signers if operation == "PutObject"]
    assert puts == [s3_signing.SIGNATURE_VERSION] * 2
    others = {version for operation, version in signing.signers if operation != "PutObject"}
    assert others == {"s3v4", "s3v4-query"}  # the copy and the reads; the presigned URL
    assert {"CopyObject", "GetObject"} <= {operation for operation, _ in signing.signers}


@pytest.mark.parametrize(
    ("signature_version", "chosen"),
    [("s3v4", True), ("v4", True), ("s3v4-query", False), ("v4-s3express", False), ("s3v4a", False)],
)
def test_the_known_payload_signer_is_chosen_only_where_botocore_would_sign_with_plain_sigv4(
    signature_version, chosen
):
    with_digest = {s3_signing._CONTEXT_KEY: "00" * 32}
    expected = s3_signing.SIGNATURE_VERSION if chosen else None
    assert s3_signing._choose(signature_version, with_digest) == expected
    assert s3_signing._choose(signature_version, {}) is None  # no digest: botocore's signer
    assert s3_signing._choose(signature_version, {**with_digest, "unsigned_payload": True}) is None


def test_without_botocores_private_helpers_the_signer_leaves_the_payload_hash_to_botocore():
    """`KnownPayloadAuth` asks two private helpers of botocore's S3 signer whether the payload is signed. In
    a botocore without them the digest is not used (the body is hashed again, botocore's own way), rather
    than every upload failing."""
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    class WithoutHelpers(s3_signing.KnownPayloadAuth):
        def _should_sha256_sign_payload(self, request):
            raise AttributeError("_should_sha256_sign_payload")

    sent = AWSRequest(method="PUT", url="http://127.0.0.1:9/bucket/key", data=b"the photo's bytes")
    credentials = Credentials("key", "secret")
    assert s3_signing.KnownPayloadAuth(credentials, "s3", "us-east-1")._signs_the_payload(sent)  # plain HTTP
    assert not WithoutHelpers(credentials, "s3", "us-east-1")._signs_the_payload(sent)
