"""Domain errors and the one place that turns failures into responses (HTML or JSON, user's language)."""

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

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
    429: _l("Too many attempts. Please wait a minute and try again."),
    500: _l("Something went wrong on our side. Please try again."),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, code: str, message: str) -> Response:
    if isinstance(request.routing_exception, SecurityError):  # an untrusted Host: no URL can be built
        return Response(message, status, mimetype="text/plain")
    if wants_json():
        body = jsonify(error=code, message=message)
    else:
        body = render_template("errors/error.html", status=status, message=message)
    return make_response(body, status)


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return error_response(error.status, error.code, error.text())

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _l("This form has expired or was not sent from our page. Please reload it and try again.")
        return error_response(400, "csrf", str(message))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = HTTP_MESSAGES.get(error.code or 500, error.description)
        # A 413's body was never read: the server closes the connection (Connection is hop-by-hop, the
        # WSGI server's header; one set here too went out as "close, close").
        return error_response(error.code or 500, error.name.lower().replace(" ", "_"), str(message))

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        log.exception("unhandled error")
        db.session.rollback()
        return error_response(500, "server_error", str(HTTP_MESSAGES[500]))
