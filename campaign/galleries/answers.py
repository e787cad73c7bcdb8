"""Whole answers of the public gallery URLs, kept per gallery version by a WSGI layer in front of the app.

The gallery's JSON (/api/v1/galleries/<id>), its iframe page (/embed/g/<id>) and fragment (/embed/g/<id>/
fragment.html) are asked for on every view of every brand's page. The first GET for a gallery version, query
string, Accept-Language and host goes through Flask, and its 200 (status, headers, body) is kept; the next
such GET is answered here, with its own X-Request-ID, or 304 for its ETag, without routing through Flask.

The gallery's version is read from the database on every request (`versions`): a takedown, withdrawal or
edit bumps it in its own transaction, so no process or server answers from a kept answer older than that
once it has committed. Never kept: an error, an answer that sets a cookie or is not public, an answer to a
request whose version could not be read (the database down: Flask answers it, as it would without this
layer). Pages asked with a cookie (the switcher's or a member's language) always go through Flask. A kept
answer is also dropped once max-age old, so what no version counts (a product's name) is as fresh as a
cache on the way would keep it.
"""

from collections.abc import Callable
from typing import NamedTuple

from flask import Flask
from werkzeug.http import parse_etags, remove_entity_headers, unquote_etag

from campaign.api.responses import PUBLIC_MAX_AGE, LruCache
from campaign.logs import REQUEST_ID_HEADER, request_id_of
from campaign.metrics import REQUESTS


class Route(NamedTuple):
    prefix: str
    suffix: str
    app: str  # the app and endpoint Flask counts the answer under (metrics)
    endpoint: str
    cookies_matter: bool  # the embed pages' language may come from a cookie; the API's never does


ROUTES = (
    Route("/api/v1/galleries/", "", "public_api", "api.get_gallery", False),
    Route("/embed/g/", "/fragment.html", "main", "gallery_embeds.show_fragment", True),
    Route("/embed/g/", "", "main", "gallery_embeds.show_frame", True),
)


class Kept(NamedTuple):
    status: str
    headers: tuple[tuple[str, str], ...]  # without X-Request-ID, each request has its own
    not_modified: tuple[tuple[str, str], ...]  # the 304's: without Content-Type and Content-Length
    body: bytes
    etag: str


def route_of(path: str) -> tuple[Route, str] | None:
    """The route and gallery id of a path Flask would route to one of these views (`<public_id>` has no /
    and no NUL: `nul_characters`)."""
    for route in ROUTES:
        if path.startswith(route.prefix) and path.endswith(route.suffix):
            public_id = path[len(route.prefix) : len(path) - len(route.suffix)]
            if public_id and "/" not in public_id and "\x00" not in public_id:  # no NUL to the database
                return route, public_id
    return None


def host_key(environ: dict) -> tuple:
    """What `request.host_url` follows from (the scheme, the Host header, else the server's name and port,
    and the script root): the answers hold absolute URLs. An untrusted Host gets Flask's 400, never kept."""
    host = environ.get("HTTP_HOST") or (environ.get("SERVER_NAME"), environ.get("SERVER_PORT"))
    return environ.get("wsgi.url_scheme"), host, environ.get("SCRIPT_NAME", "")


class GalleryAnswers:
    def __init__(self, wsgi_app: Callable, read_version: Callable[[str], int | None]):
        self.wsgi_app, self.read_version = wsgi_app, read_version
        self.kept = LruCache(size=1024, max_age=PUBLIC_MAX_AGE)
        self.counters: dict = {}

    def __call__(self, environ: dict, start_response: Callable):
        found = environ.get("REQUEST_METHOD") == "GET" and route_of(environ.get("PATH_INFO", ""))
        if not found or (found[0].cookies_matter and "HTTP_COOKIE" in environ):
            return self.wsgi_app(environ, start_response)
        route, public_id = found
        try:
            version = self.read_version(public_id)
        except Exception:  # the database is down: Flask answers as it would without us (503), kept nothing
            version = None
        if version is None:  # or no such gallery: Flask's 404
            return self.wsgi_app(environ, start_response)
        key = (
            environ["PATH_INFO"],
            version,
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_ACCEPT_LANGUAGE", ""),
            host_key(environ),
        )
        kept = self.kept.get(key)
        if kept is None:
            return self.keep(key, environ, start_response)
        request_id = (REQUEST_ID_HEADER, request_id_of(environ))
        if "HTTP_IF_NONE_MATCH" in environ and parse_etags(environ["HTTP_IF_NONE_MATCH"]).contains(kept.etag):
            self.count(route, "304")
            start_response("304 NOT MODIFIED", [*kept.not_modified, request_id])
            return []
        self.count(route, "200")
        start_response(kept.status, [*kept.headers, request_id])
        return [kept.body]

    def keep(self, key: tuple, environ: dict, start_response: Callable):
        """Flask's answer, kept when it is a public 200 with an ETag and no cookie."""
        seen: list = []

        def capture(status: str, headers: list, exc_info=None):
            seen.append((status, headers))
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        if len(seen) != 1 or not seen[0][0].startswith("200 "):
            return body
        status, headers = seen[0]
        named = {name.lower(): value for name, value in headers}
        if "set-cookie" in named or "public" not in named.get("cache-control", ""):
            return body
        etag, weak = unquote_etag(named.get("etag"))
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        if etag and not weak:
            kept = [(name, value) for name, value in headers if name != REQUEST_ID_HEADER]
            not_modified = list(kept)
            remove_entity_headers(not_modified)  # as werkzeug makes Flask's 304
            self.kept.put(key, Kept(status, tuple(kept), tuple(not_modified), data, etag))
        return [data]

    def count(self, route: Route, status: str) -> None:
        """In the requests Flask counts (`metrics`), under the endpoint that would have answered."""
        key = (route, status)
        counter = self.counters.get(key)
        if counter is None:
            counter = self.counters.setdefault(key, REQUESTS.labels(route.app, route.endpoint, status))
        counter.inc()


def init_app(app: Flask) -> None:
    """In front of the public API's prefix too (create_app mounts it before the features)."""
    from campaign.extensions import db
    from campaign.galleries.versions import VersionReader

    with app.app_context():
        engine = db.engine  # made by Flask-SQLAlchemy, not connected until the first request
    app.wsgi_app = app.extensions["gallery_answers"] = GalleryAnswers(app.wsgi_app, VersionReader(engine))
