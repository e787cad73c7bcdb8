"""Work that releases Python's lock (a password hash, a file's write and fsync, an upload) run in a thread
of its own while the caller goes on with its own."""

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


def start(work: Callable[[], T], name: str) -> "Future[T]":
    """Runs `work` in a new thread; the Future gives its result, or raises its error in whoever asks."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(work())
        except BaseException as exc:  # out of memory, say: raised in the caller by future.result
            future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future
