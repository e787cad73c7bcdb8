"""Log lines: one JSON object per line on stderr (timestamp, level, logger, message, request_id), email
addresses masked, and the request id every request carries (echoed as `X-Request-ID`, passed on to jobs).

`create_app` configures this unless the host already configured logging (a handler on the root logger:
gunicorn's `--log-config`, pytest); then the host's handlers and formats are left alone, each given the
mask.
"""

import contextlib
import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

from flask import Flask, Response, g, has_app_context, request

from campaign.log_masks import redact

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id (nginx's $request_id is 32 hex digits) is kept when it looks like one; anything else, made up
# by a client or too long for a log line, is replaced by our own.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")
# With MAIL_BACKEND=log the mail's log line is the mail: its links stay whole, or a demo's customer could not
# open their status link nor a winner claim. Production refuses that backend unless chosen (config.py).
MAIL_LOG = "campaign.mail"
QUIET = ("alembic.runtime.plugins",)  # a line per plugin at every start-up: noise at INFO
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

_job_request_id: ContextVar[str | None] = ContextVar("kuchikomi_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served, or of the request that queued the running job; None outside both.
    Whoever queues work passes this along and runs the job inside `bound_request_id(...)`."""
    if has_app_context() and (found := g.get("request_id")):
        return found
    return _job_request_id.get()


@contextlib.contextmanager
def bound_request_id(request_id: str | None) -> Iterator[None]:
    """Log lines written inside (a job's) carry `request_id`, the id of the request that queued the job."""
    token = _job_request_id.set(request_id)
    try:
        yield
    finally:
        _job_request_id.reset(token)


class RedactEmails(logging.Filter):
    """Masks email addresses and private links' tokens in the message, its exception and stack, and stamps
    the request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact(message, links=record.name == MAIL_LOG), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


class OurHandler(logging.StreamHandler):
    """The root handler this module installs (told apart from a host's own)."""


def configure(app: Flask, stream: TextIO | None = None) -> None:
    """Installs the JSON (or text) handler on the root logger, once per process, unless the host already
    configured logging. Runs first in `create_app`, so the features' loggers find a handler."""
    level, form = app.config["LOG_LEVEL"].upper(), app.config["LOG_FORMAT"]  # checked (config.value_problems)
    root = logging.getLogger()
    if any(not isinstance(handler, OurHandler) for handler in root.handlers):
        mask_hosts_handlers()
        return
    for handler in list(root.handlers):
        root.removeHandler(handler)  # ours from an earlier create_app: the new settings win
    handler = OurHandler(stream or sys.stderr)
    handler.addFilter(RedactEmails())
    handler.setFormatter(JsonLines() if form == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


def mask_hosts_handlers() -> None:
    """The host configured logging (gunicorn's --log-config, a logging.ini): its handlers are left as they
    are, but every one gets the mask, which ours carries. Without it, a host's handler wrote customers' email
    addresses whole (an operator's walk-through find)."""
    loggers = [logging.getLogger()] + [
        found for found in logging.Logger.manager.loggerDict.values() if isinstance(found, logging.Logger)
    ]
    for handler in {handler for logger in loggers for handler in logger.handlers}:
        if not any(isinstance(existing, RedactEmails) for existing in handler.filters):
            handler.addFilter(RedactEmails())


def request_id_of(environ: dict) -> str:
    """A proxy's id, else 32 random hex digits (as a UUID4's, made with less work: every request pays)."""
    offered = environ.get("HTTP_X_REQUEST_ID", "")
    return offered if offered and SANE_REQUEST_ID.fullmatch(offered) else os.urandom(16).hex()


def take_request_id() -> None:
    g.request_id = request_id_of(request.environ)


def echo_request_id(response: Response) -> Response:
    if not g.get("request_id"):  # a hook before ours answered
        take_request_id()
    response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


def init_request_ids(app: Flask) -> None:
    """Call before the limiter and CSRF register theirs, so a refused request has its id too."""
    app.before_request(take_request_id)
    app.after_request(echo_request_id)
