"""A `flask` command run against a database that `flask db upgrade` never reached (or not lately) says so in
one line, instead of SQLAlchemy's UndefinedTable / "no such table" traceback; so does one run against a
database it cannot connect to (wrong host, port, name or role in KUCHIKOMI_DATABASE_URL, or a server down)."""

import functools

import click
from flask import Flask
from sqlalchemy.exc import OperationalError, ProgrammingError

# PostgreSQL's error classes (psycopg) and SQLite's messages for a missing table or column
MISSING_SCHEMA = ("UndefinedTable", "UndefinedColumn", "no such table", "no such column")
ADVICE = "the database schema is missing or out of date ({detail}): run `flask db upgrade` first"
# psycopg 3 (and psycopg2) and SQLite when a connection cannot be opened; no statement was running then
UNREACHABLE = (
    "connection failed",
    "failed to resolve host",
    "could not connect to server",
    "could not translate host name",
    "unable to open database file",
)
CANNOT_CONNECT = (
    "cannot connect to the database ({detail}): check KUCHIKOMI_DATABASE_URL and that the server is up"
)


def is_missing_schema(error: Exception) -> bool:
    original = getattr(error, "orig", None)
    said = f"{type(original).__name__} {original}"
    return isinstance(error, OperationalError | ProgrammingError) and any(
        sign in said for sign in MISSING_SCHEMA
    )


def is_unreachable(error: Exception) -> bool:
    said = str(getattr(error, "orig", ""))
    return (
        isinstance(error, OperationalError)
        and error.statement is None
        and any(sign in said for sign in UNREACHABLE)
    )


def explain(command: click.Command) -> None:
    """Wraps the command's (or group's: every subcommand's) invocation, once. The command groups are the
    feature modules' own objects, shared by every app a process builds: wrapped again by each, a test worker
    that built a thousand apps overflowed the stack on its next command (a RecursionError in a full run)."""
    invoke = command.invoke
    if getattr(invoke, "explains", False):
        return

    @functools.wraps(invoke)
    def invoke_explained(ctx: click.Context):
        try:
            return invoke(ctx)
        except (OperationalError, ProgrammingError) as exc:
            advice = ADVICE if is_missing_schema(exc) else CANNOT_CONNECT if is_unreachable(exc) else None
            if advice is None:
                raise
            detail = str(exc.orig).strip().splitlines()[0]
            raise click.ClickException(advice.format(detail=detail)) from None

    invoke_explained.explains = True
    command.invoke = invoke_explained


def init_app(app: Flask) -> None:
    """Call once every feature's command group is on `app.cli` (`flask db` is Flask-Migrate's, not ours)."""
    for command in app.cli.commands.values():
        explain(command)
