"""The one source of 'now' (UTC, aware); services take it as an argument so tests can move time."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
