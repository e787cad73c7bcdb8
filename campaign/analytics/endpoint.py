"""POST /api/v1/events: a plain WSGI callable in front of the app, because it is the busiest URL there is
(every gallery view on every brand's page sends a few) and does no work a Flask request would pay for.

It reads at most MAX_BODY bytes, checks the beacon (intake), its origin and its sender (guards), and hands
it to the buffer: no database query while the gallery is cached (targets), no write, no cookie. The answer
is an empty 204, or 400 for what is not a beacon of ours; robots, floods and replays get 204 too, and are
not counted.
"""

import logging
from collections.abc import Callable

from flask import Flask

from campaign.analytics import guards, intake, targets
from campaign.analytics.buffer import get_buffer

log = logging.getLogger(__name__)
PATH = "/api/v1/events"
HEADERS = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]
PREFLIGHT = [
    *HEADERS,
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "POST"),
    ("Access-Control-Allow-Headers", "Content-Type"),
    ("Access-Control-Max-Age", "86400"),
]


def _answer(start_response: Callable, status: str, headers=HEADERS) -> list[bytes]:
    start_response(status, headers)
    return []


class EventsDispatch:
    """WSGI middleware: `PATH` is answered here, every other request goes on to `app`."""

    def __init__(self, wsgi_app: Callable, flask_app: Flask):
        self.wsgi_app, self.flask_app = wsgi_app, flask_app
        self.rate = guards.RateLimit(flask_app.config["ANALYTICS_RATE_PER_MINUTE"])
        self.seen = guards.Seen()

    def lookup(self, public_id: str):
        return targets.target(public_id, self.flask_app)

    def __call__(self, environ: dict, start_response: Callable):
        if environ.get("PATH_INFO") != PATH:
            return self.wsgi_app(environ, start_response)
        method = environ.get("REQUEST_METHOD")
        if method == "OPTIONS":
            return _answer(start_response, "204 No Content", PREFLIGHT)
        if method != "POST":
            return _answer(start_response, "405 Method Not Allowed", [*HEADERS, ("Allow", "POST, OPTIONS")])
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= intake.MAX_BODY:
            return _answer(start_response, "400 Bad Request")
        body = environ["wsgi.input"].read(length)
        if guards.is_robot(environ.get("HTTP_USER_AGENT", "")):
            return _answer(start_response, "204 No Content")
        if not self.rate.allow(environ.get("REMOTE_ADDR", "")):
            return _answer(start_response, "204 No Content")
        own = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
        try:
            accepted = intake.accept(body, self.lookup, environ.get("HTTP_ORIGIN", ""), own)
        except (intake.Malformed, intake.Refused):
            return _answer(start_response, "400 Bad Request")
        except intake.Dropped:
            return _answer(start_response, "204 No Content")
        replay_key = accepted.order[1] if accepted.order else accepted.rows[0]["event_id"]
        if not self.seen.first_time(replay_key):
            return _answer(start_response, "204 No Content")
        try:
            get_buffer(self.flask_app).add(accepted)
        except Exception:  # Redis unreachable: say so, the browser does not retry a beacon anyway
            log.exception("analytics buffer refused a beacon")
            return _answer(start_response, "503 Service Unavailable")
        return _answer(start_response, "204 No Content")
