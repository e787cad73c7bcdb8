"""No NUL character (U+0000) reaches the database: PostgreSQL refuses one in text (psycopg's DataError, a
500), and SQLite stored it.

A path segment with one matches no route: 404 (`NoNulString`, `NoNulPath`, the URL converters of both
apps). A form field with one is refused by the field (`refuse_nul`, which every AppForm field runs first).
Anything else that would carry one into a query (a raw form value, a query string, a JSON body) is refused
before the query is sent (`refuse_in_query`): NulCharacter, a 400 like any refusal, never a 500 and no
error logged, so nobody can fill the error log with it.
"""

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Engine, event
from werkzeug.routing import PathConverter, UnicodeConverter
from wtforms.validators import StopValidation

from campaign.errors import DomainError

NUL = "\x00"


class NulCharacter(DomainError):
    code = "nul_character"
    message = _l(
        "The text sent contains a character that cannot be saved (a NUL character). Nothing was saved."
    )


class NoNulString(UnicodeConverter):
    """`<name>` (the default converter): any text but a slash or a NUL."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - as werkzeug names it
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]")


class NoNulPath(PathConverter):
    """`<path:name>`: slashes too, never a NUL."""

    regex = "[^/\\x00][^\\x00]*?"


def install_converters(app: Flask) -> None:
    """Before any route is added: the routes of `<name>` and `<path:name>` match no NUL."""
    app.url_map.converters.update(default=NoNulString, string=NoNulString, path=NoNulPath)


def refuse_nul(form, field) -> None:
    """A form field's first validator (AppForm's): a NUL in what was typed is the field's one error."""
    if any(isinstance(value, str) and NUL in value for value in field.raw_data or ()):
        field.errors[:] = []
        raise StopValidation(
            _(
                "“%(field)s” contains a character that cannot be saved (a NUL character).",
                field=field.label.text,
            )
        )


def _carries_nul(value) -> bool:
    """Whether a query's parameters hold a NUL in text: a row (a dict or a tuple), rows (executemany), an
    IN list or an array."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list | tuple):
        return False
    return any(_carries_nul(item) for item in value)


def refuse_in_query(conn, cursor, statement, parameters, context, executemany) -> None:
    """Raises NulCharacter before a query that would send a NUL in a text parameter."""
    if _carries_nul(parameters):
        raise NulCharacter()


def init_app(app: Flask) -> None:
    """The query guard, once per process for every engine; its refusal answered after a rollback (it may
    have stopped a flush half-way)."""
    from campaign.errors import error_response
    from campaign.extensions import db

    if not event.contains(Engine, "before_cursor_execute", refuse_in_query):
        event.listen(Engine, "before_cursor_execute", refuse_in_query)

    @app.errorhandler(NulCharacter)
    def nul_character(error: NulCharacter):
        db.session.rollback()
        return error_response(error.status, error.code, error.text())
