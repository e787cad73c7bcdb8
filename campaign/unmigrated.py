"""A `flask` command run against a database that `flask db upgrade` never reached (or not lately) says so in
one line, instead of SQLAlchemy's UndefinedTable / "no such table" traceback."""

import functools

import click
from flask import Flask
from sqlalchemy.exc import OperationalError, ProgrammingError

# PostgreSQL's error classes (psycopg) and SQLite's messages for a missing table or column
MISSING_SCHEMA = ("UndefinedTable", "UndefinedColumn", "no such table", "no such column")
ADVICE = "the database schema is missing or out of date ({detail}): run `flask db upgrade` first"


def is_missing_schema(error: Exception) -> bool:
    original = getattr(error, "orig", None)
    said = f"{type(original).__name__} {original}"
    return isinstance(error, OperationalError | ProgrammingError) and any(
        sign in said for sign in MISSING_SCHEMA
    )


def explain(command: click.Command) -> None:
    """Wraps the command's (or group's: every subcommand's) invocation."""
    invoke = command.invoke

    @functools.wraps(invoke)
    def invoke_explained(ctx: click.Context):
        try:
            return invoke(ctx)
        except (OperationalError, ProgrammingError) as exc:
            if not is_missing_schema(exc):
                raise
            detail = str(exc.orig).strip().splitlines()[0]
            raise click.ClickException(ADVICE.format(detail=detail)) from None

    command.invoke = invoke_explained


def init_app(app: Flask) -> None:
    """Call once every feature's command group is on `app.cli` (`flask db` is Flask-Migrate's, not ours)."""
    for command in app.cli.commands.values():
        explain(command)
