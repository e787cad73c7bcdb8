"""Progress of long CLI work on stderr, so stdout keeps only results and the closing summary line: a line
redrawn in place on a terminal; elsewhere (a log, systemd) one line per tenth of the work, or every
`every` items when the total is unknown. Work that fails says only its error: no closing count, which would
read as "done, nothing to do"."""

from __future__ import annotations

import sys

import click


class Progress:
    def __init__(self, label: str, total: int | None = None, *, every: int = 1000) -> None:
        self.label, self.total, self.every, self.done = label, total, every, 0
        self.file = sys.stderr  # looked up now: a CLI test runner swaps it
        self.live = self.file.isatty()
        self._shown, self._said = 0, False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        if exc_type is None:
            self.finish()
        elif self.live and self._said:  # end the redrawn line, so the error starts on its own
            click.echo("", file=self.file)

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.live or self._due():
            self._show()

    def finish(self) -> None:
        if not self._said or self._shown != self.done:
            self._show()
        if self.live:
            click.echo("", file=self.file)

    def _due(self) -> bool:
        if self.total:
            step = max(1, self.total // 10)
            return self.done // step != self._shown // step or self.done == self.total
        return self.done // self.every != self._shown // self.every

    def _show(self) -> None:
        text = f"{self.label}: {self.done}" + (f"/{self.total}" if self.total is not None else "")
        click.echo(f"\r{text}" if self.live else text, file=self.file, nl=not self.live)
        self._shown, self._said = self.done, True
