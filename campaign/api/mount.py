"""How the lean public API app sits beside the main app: one WSGI callable, no sessions, URLs built across."""

from collections.abc import Callable
from urllib.parse import quote

from flask import Flask, Response, has_request_context, request
from flask.sessions import SessionInterface

from campaign.api.responses import PREFLIGHT_HEADERS

ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # as Flask's own url_for quotes an anchor


class PrefixDispatch:
    """WSGI middleware: paths under `prefix` go to `mounted`, every other path to `app` (paths unchanged)."""

    def __init__(self, app: Callable, prefix: str, mounted: Callable):
        self.app, self.mounted = app, mounted
        self.prefix = prefix.rstrip("/")
        self.under = self.prefix + "/"

    def __call__(self, environ: dict, start_response: Callable):
        path = environ.get("PATH_INFO", "")
        if path.startswith(self.under) or path == self.prefix:
            return self.mounted(environ, start_response)
        return self.app(environ, start_response)


class LeanApi(Flask):
    """The public API's app: Flask's automatic OPTIONS answer also carries the CORS preflight headers, at
    no cost to the GETs (an after_request hook would run on every one of them)."""

    def make_default_options_response(self) -> Response:
        response = super().make_default_options_response()
        response.headers.update(PREFLIGHT_HEADERS)
        return response


class NoSessions(SessionInterface):
    """Reads no session cookie and sets none: the answers are public, shared by every cache on the way."""

    def open_session(self, app: Flask, request):
        return None  # Flask then uses its null session: reads are empty, writes raise

    def save_session(self, app: Flask, session, response) -> None:
        pass


def build_urls_from(other: Flask) -> Callable:
    """A `url_build_error_handlers` entry: endpoints this app lacks are built from `other`'s routes."""

    def build(_error, endpoint: str, values: dict) -> str | None:
        if endpoint not in other.view_functions:
            return None
        params = {key: value for key, value in values.items() if not key.startswith("_")}
        adapter = other.create_url_adapter(request if has_request_context() else None)
        if adapter is None:
            return None
        url = adapter.build(
            endpoint,
            params,
            method=values.get("_method"),
            url_scheme=values.get("_scheme"),
            force_external=bool(values.get("_external")),
        )
        anchor = values.get("_anchor")
        return url + "#" + quote(anchor, safe=ANCHOR_SAFE) if anchor else url

    return build
