"""The SQL statements a block of code sends, for tests that bound a page's queries."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from campaign.extensions import db


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
