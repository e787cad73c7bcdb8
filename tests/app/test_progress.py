"""Progress of long CLI work (campaign/progress.py): on stderr, one line per tenth of the work in a log, and
redrawn in place on a terminal."""

import io
import sys

import pytest

from campaign.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def stderr(monkeypatch):
    def use(stream):
        monkeypatch.setattr(sys, "stderr", stream)
        return stream

    return use


def test_in_a_log_a_line_per_tenth_and_the_last(stderr):
    stream = stderr(io.StringIO())
    with Progress("rows", 25) as progress:
        for _ in range(25):
            progress.advance()
    assert stream.getvalue().splitlines() == [
        f"rows: {n}/25" for n in (2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 25)
    ]


def test_without_a_total_every_n_items_and_the_count_at_the_end(stderr):
    stream = stderr(io.StringIO())
    with Progress("objects", every=10) as progress:
        for _ in range(3):
            progress.advance(4)
    assert stream.getvalue().splitlines() == ["objects: 12"]
    stream = stderr(io.StringIO())
    with Progress("objects", every=10) as progress:
        progress.advance(3)
    assert stream.getvalue().splitlines() == ["objects: 3"]


def test_on_a_terminal_one_line_redrawn(stderr):
    stream = stderr(Terminal())
    with Progress("rows", 3) as progress:
        for _ in range(3):
            progress.advance()
    assert stream.getvalue() == "\rrows: 1/3\rrows: 2/3\rrows: 3/3\n"


def test_work_that_fails_ends_with_its_error_not_a_closing_count(stderr):
    """`flask privacy retention` on an unreachable database printed "campaigns done: 0" before its error,
    which reads as "done, nothing to erase"."""
    stream = stderr(io.StringIO())
    with pytest.raises(ConnectionError), Progress("campaigns done") as progress:
        raise ConnectionError("database unreachable")
    assert stream.getvalue() == ""
    terminal = stderr(Terminal())
    with pytest.raises(ConnectionError), Progress("rows", 3) as progress:
        progress.advance()
        raise ConnectionError("database unreachable")
    assert terminal.getvalue() == "\rrows: 1/3\n"  # what was done stays, and the error starts a new line
