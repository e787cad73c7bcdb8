"""Domain errors and the one place that turns failures into responses (HTML or JSON, user's language)."""

import contextlib
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, Response, g, jsonify, make_response, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError as SQLAlchemyOperationalError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.routing import BuildError

from campaign import metrics
from campaign.extensions import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule said no. `message` is shown to the user; `field` names the form field it belongs to."""

    status = 400
    code = "invalid"
    message = _l("This request could not be completed.")
    field: str | None = None

    def __init__(self, message=None, *, field: str | None = None, **params):
        super().__init__(self.code)
        if message is not None:
            self.message = message
        if field is not None:
            self.field = field
        self.params = params

    def text(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = _l("Not found.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = _l("You do not have permission to do this.")


HTTP_MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have permission to do this."),
    404: _l("This page does not exist."),
    405: _l("This action is not allowed here."),
    413: _l("The file is too large. Please choose a smaller photo."),
    410: _l("This page is no longer available."),
    429: _l("Too many attempts. Please wait a minute and try again."),
    500: _l("Something went wrong on our side. Please try again."),
    503: _l("This service is briefly unavailable. Please try again in a few minutes."),
}

FORM_EXPIRED = _l("This form has expired or was not sent from our page. Please reload it and try again.")

# Where a refused studio step (409) or a missing page leads back to: the object the URL named.
WAYS_BACK = (
    ("campaign_id", "campaigns.show", _l("Back to the campaign")),
    ("entry_id", "entries.show", _l("Back to the entry")),
    ("gallery_id", "galleries.edit", _l("Back to the gallery")),
)


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def database_unavailable(respond: Callable[[int, str, str], Response]) -> Response:
    """The database did not answer (down, restarting, out of connections): a passing state, said as such
    (503 from `respond`, the app's error answer), with a time to come back, not as a failure (500).

    The answer asks the database nothing more (`database_failed`): its language is settled before the
    rollback expires the user's row, and the studio menu (the member's rows) is left out. Asking it again
    raised a second error outside every handler: a dropped connection (a fault probe's find)."""
    log.exception("database unavailable")
    with contextlib.suppress(SQLAlchemyError):
        get_locale()  # the user's saved language, while their row is still in memory (kept for the request)
    _roll_back()
    g.database_failed = True
    g.pop("membership", None)
    g.pop("org", None)
    response = respond(503, "database_unavailable", str(HTTP_MESSAGES[503]))
    response.headers["Retry-After"] = "30"
    return response


def error_response(status: int, code: str, message: str, **fields) -> Response:
    """The app's error answer: JSON (`error`, `message` and any `fields`) to a script, else the error page."""
    if isinstance(request.routing_exception, SecurityError):  # an untrusted Host: no URL can be built
        return Response(message, status, mimetype="text/plain")
    if wants_json():
        body = jsonify(error=code, message=message, **fields)
    else:
        _find_membership()
        way_back = _way_back(status)
        body = render_template("errors/error.html", status=status, message=message, way_back=way_back)
    return make_response(body, status)


def database_failed() -> bool:
    """Whether this request is answered with "the database is unavailable": the user is not read again
    (the login manager's loader, the language), nor the member's studio menu."""
    return bool(g.get("database_failed"))


def _roll_back() -> None:
    """Ends the failed request's transaction; on a connection the database dropped, that fails too."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.warning("rollback failed", exc_info=True)


def _find_membership() -> None:
    """A studio member keeps the studio navigation on an error page, even where no studio view ran."""
    if getattr(g, "membership", None) is not None or database_failed():
        return
    from flask_login import current_user

    from campaign.orgs.access import current_membership

    try:
        if current_user.is_authenticated:
            current_membership()
    except Exception:  # the database may be what failed: the page still renders, without the menu
        _roll_back()
        log.warning("no navigation on the error page", exc_info=True)


def _campaign_of_entry(entry_id: str) -> str | None:
    """The public id of the campaign of the current organisation's entry, or None."""
    org = getattr(g, "org", None)
    if org is None:
        return None
    from campaign.entries.models import Entry
    from campaign.orgs.services import scoped

    try:
        entry = db.session.scalar(scoped(Entry, org).where(Entry.public_id == entry_id))
    except Exception:  # the database may be what failed
        _roll_back()
        return None
    return entry.campaign.public_id if entry is not None else None


def _way_back(status: int) -> tuple[str, str] | None:
    """(url, label) of the page a refused or failed request came from, when it is ours."""
    if status in (403, 404, 410):  # the object itself may be what is missing or forbidden
        return None
    args = dict(request.view_args or {})
    if "entry_id" in args and "campaign_id" not in args:  # a refused move of an entry: back to its campaign
        args["campaign_id"] = _campaign_of_entry(args["entry_id"])
    args = {name: value for name, value in args.items() if value}
    for arg, endpoint, label in WAYS_BACK:
        if arg in args and endpoint != request.endpoint:
            try:
                return url_for(endpoint, **{arg: args[arg]}), str(label)
            except BuildError:
                continue
    referrer = urlsplit(request.referrer or "")
    # a form sent to its own page (the notice check, the login) goes back to it (a check's find: a 429 there
    # offered only the front page)
    if referrer.netloc == request.host and (referrer.path != request.path or request.method == "POST"):
        return request.referrer, str(_l("Back to the previous page"))
    return None


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        metrics.refuse_upload(error.code)  # counted only when it answers an upload: closed, entry limit...
        return error_response(error.status, error.code, error.text())

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_response(400, "csrf", str(FORM_EXPIRED))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = HTTP_MESSAGES.get(error.code or 500, error.description)
        # A 413's body was never read: the server closes the connection (Connection is hop-by-hop, the
        # WSGI server's header; one set here too went out as "close, close").
        return error_response(error.code or 500, error.name.lower().replace(" ", "_"), str(message))

    app.register_error_handler(SQLAlchemyOperationalError, lambda _exc: database_unavailable(error_response))

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        log.exception("unhandled error")
        _roll_back()
        return error_response(500, "server_error", str(HTTP_MESSAGES[500]))
