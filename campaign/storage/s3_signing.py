"""SigV4 for S3 puts whose body's SHA-256 the caller knows already: the body is not hashed again.

A SigV4 signature can cover the body's SHA-256 (`X-Amz-Content-SHA256`, which AWS S3 checks against the
body). botocore computes it for a put by reading the whole body again whenever it signs the payload: over
plain HTTP (an S3-compatible server on a private network, SeaweedFS or MinIO) always; over HTTPS it
normally streams the body unsigned with a trailing CRC32 instead, and then there is nothing to spare. The
app knows that digest for the largest objects it writes: a customer's original (hashed once, for the
submission's idempotency key) and a draw's frozen list (its published digest). `S3Storage` hands it over as
the extra `put_object` parameter `PAYLOAD_SHA256`; `install` makes the client move it into the request's
context (botocore's `provide-client-params` event, meant for such parameters) and sign that put with
`KnownPayloadAuth`, which is botocore's `S3SigV4Auth` taking the digest from the context. The signature is
the one botocore would make, and the body's CRC32 checksum, which every S3 server checks, is still
computed from the bytes. A digest that does not match the body is refused by AWS S3
(XAmzContentSHA256Mismatch); SeaweedFS does not check it, so the memory backend the tests run on checks
every digest it is given (`MemoryStorage`).

botocore picks a signer by name (`choose-signer` event, `AUTH_TYPE_MAPS`): this one is picked only for a
PutObject that carries a digest and that botocore would sign with its own pure-Python S3 signer. Presigned
URLs, S3 Express, operations with an unsigned body, the CRT signer (when awscrt is installed) and every
other request are left to botocore.
"""

from botocore.auth import AUTH_TYPE_MAPS, S3SigV4Auth

PAYLOAD_SHA256 = "KuchikomiPayloadSHA256"  # the extra put_object parameter: the body's digest, 32 bytes
_CONTEXT_KEY = "kuchikomi_payload_sha256"  # in the request's context: the digest, hex
SIGNATURE_VERSION = "s3v4-kuchikomi-known-payload"


class KnownPayloadAuth(S3SigV4Auth):
    def payload(self, request) -> str:
        known = request.context.get(_CONTEXT_KEY)
        if known is not None and self._signs_the_payload(request):
            return known
        return super().payload(request)

    def _signs_the_payload(self, request) -> bool:
        """Whether botocore would put the body's SHA-256 in the signature. Its answer comes from two private
        helpers of S3SigV4Auth: a botocore without them is not an outage (every upload refused), only the
        body hashed again, botocore's own way."""
        try:
            return not self._is_streaming_checksum_payload(request) and self._should_sha256_sign_payload(
                request
            )
        except AttributeError:
            return False


AUTH_TYPE_MAPS.setdefault(SIGNATURE_VERSION, KnownPayloadAuth)


def _take_digest(params: dict, context: dict, **_) -> None:
    digest = params.pop(PAYLOAD_SHA256, None)
    if digest is not None:
        context[_CONTEXT_KEY] = digest.hex()


def _choose(signature_version: str, context: dict, **_) -> str | None:
    # "v4" when the client's config names no signature version (botocore makes it "s3v4" for S3)
    botocore_signer = AUTH_TYPE_MAPS.get("s3v4" if signature_version in ("v4", "s3v4") else "")
    if botocore_signer is S3SigV4Auth and _CONTEXT_KEY in context and not context.get("unsigned_payload"):
        return SIGNATURE_VERSION
    return None  # botocore's own choice


def install(client) -> None:
    """Lets `client` (an S3 client) take `PAYLOAD_SHA256` in put_object and sign with it."""
    client.meta.events.register("provide-client-params.s3.PutObject", _take_digest)
    client.meta.events.register("choose-signer.s3.PutObject", _choose)
