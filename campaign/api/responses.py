"""Public, cacheable JSON responses: CORS for any origin, ETag, short Cache-Control, 304s."""

from collections import OrderedDict
from threading import Lock
from time import monotonic
from typing import NamedTuple

from flask import Response, request
from jinja2.utils import htmlsafe_json_dumps

from campaign.galleries.services import encode, etag_of
from campaign.security_headers import REFERRER_POLICY
from campaign.storage.base import SHARED_MAX_AGE, SNAPSHOT_CACHE_CONTROL

PUBLIC_MAX_AGE = SHARED_MAX_AGE  # how long a process keeps a built answer, as a CDN may

# What the main app's after_request gives every response, which the lean API app has no hook for.
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": REFERRER_POLICY}
HEADERS = {
    "Cache-Control": SNAPSHOT_CACHE_CONTROL,
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag",
    "Vary": "Accept-Language",
    **COMMON_HEADERS,
}


# What a cross-origin page may send: If-None-Match set by a script's fetch() is not a CORS-safelisted
# header, so the browser first asks with an OPTIONS preflight, which the API answers for a day at a time.
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Language, If-None-Match",
    "Access-Control-Max-Age": "86400",
}


class PublicAnswer(NamedTuple):
    """A built body with its ETag and headers, made once and cached with it."""

    body: bytes
    etag: str
    headers: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, body: bytes, headers: dict[str, str] = HEADERS) -> "PublicAnswer":
        etag = etag_of(body)
        return cls(body, etag, (*headers.items(), ("ETag", f'"{etag}"')))


def public_response(answer: PublicAnswer, *, mimetype: str = "application/json") -> Response:
    """200 with the body, or 304 when the client already holds this ETag (the hot path: kept lean)."""
    if "HTTP_IF_NONE_MATCH" in request.environ and request.if_none_match.contains(answer.etag):
        return Response(status=304, headers=answer.headers)
    return Response(answer.body, mimetype=mimetype, headers=answer.headers)


def json_response(payload: dict, *, mimetype: str = "application/json") -> Response:
    body = encode(payload) if mimetype == "application/json" else html_safe_json(payload)
    return public_response(PublicAnswer.of(body), mimetype=mimetype)


def html_safe_json(payload: dict) -> bytes:
    """JSON that a page may inline in a <script> element (JSON-LD): `<`, `>`, `&`, `'` and, through ASCII
    output, U+2028/U+2029 escaped, as Jinja's `tojson` does, so a caption cannot close the element."""
    return str(htmlsafe_json_dumps(payload, ensure_ascii=True)).encode()


class LruCache:
    """A small thread-safe LRU; with `max_age` (seconds) an entry is dropped once that old."""

    def __init__(self, size: int = 512, max_age: float | None = None):
        self.size, self.max_age = size, max_age
        self.items: OrderedDict = OrderedDict()  # key -> (made at, value)
        self.lock = Lock()

    def get(self, key):
        with self.lock:
            found = self.items.get(key)
            if found is None:
                return None
            if self.max_age is not None and monotonic() - found[0] >= self.max_age:
                del self.items[key]
                return None
            self.items.move_to_end(key)
            return found[1]

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = (monotonic(), value)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
