"""Public, cacheable JSON responses: CORS for any origin, ETag, short Cache-Control, 304s."""

import json
from collections import OrderedDict
from threading import Lock

from flask import Response, request

from campaign.galleries.services import encode, etag_of

PUBLIC_MAX_AGE = 60


HEADERS = {
    "Cache-Control": f"public, max-age={PUBLIC_MAX_AGE}",
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag",
    "Vary": "Accept-Language",
    "X-Content-Type-Options": "nosniff",
}


def public_response(body: bytes, etag: str, *, mimetype: str = "application/json") -> Response:
    """200 with the body, or 304 when the client already holds this ETag (the hot path: kept lean)."""
    headers = {**HEADERS, "ETag": f'"{etag}"'}
    if request.if_none_match.contains(etag):
        return Response(status=304, headers=headers)
    return Response(body, mimetype=mimetype, headers=headers)


def json_response(payload: dict, *, mimetype: str = "application/json") -> Response:
    body = encode(payload) if mimetype == "application/json" else json.dumps(payload).encode()
    return public_response(body, etag_of(body), mimetype=mimetype)


class BodyCache:
    """Built bodies by key (the key holds the gallery's version, so a change misses): a small LRU."""

    def __init__(self, size: int = 512):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = Lock()

    def get(self, key):
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
