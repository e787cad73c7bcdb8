"""The draw's scores on the second core, while the first reads the entries.

A million HMAC-SHA256s take over a second in one Python process, and so does reading a million tickets
from the database. A `Scorer` starts a helper process (from the same forkserver as the media sandbox) the
moment the draw begins, in a background thread, so its start-up overlaps the password check. While the
draw reads the tickets in chunks, each chunk's entry ids go to the helper, which scores them and keeps
the lowest `count` (score, index) pairs; chunks it has not taken by the time the list is read and frozen
are scored here. The merged head is exactly the one `algorithm.lowest_scores` computes alone. Small pools,
one core, a helper that cannot start or dies, or tickets read again: the same computation in this process.
"""

import contextlib
import heapq
import multiprocessing
import os
import queue
import threading
from collections.abc import Sequence

from campaign.draws import algorithm

PARALLEL_FROM = 100_000  # below this, handing work to the helper costs more than it saves


def _with_chunk(best: list, job: tuple[bytes, str, int], start: int, chunk: Sequence[str]) -> list:
    """The lowest `count` of `best` and the chunk's scores (its first id being number `start`)."""
    seed, beacon, count = job
    return heapq.nsmallest(count, best + algorithm.lowest_scores(seed, beacon, chunk, count, start))


def _serve(conn) -> None:
    """The helper: a (seed, beacon, count) job, then (start index, entry ids) chunks, then None → its head."""
    try:
        job = conn.recv()
        if job is None:
            return
        best: list[tuple[bytes, int]] = []
        while (message := conn.recv()) is not None:
            start, chunk = message
            best = _with_chunk(best, job, start, chunk)
        conn.send(best)
    except EOFError:
        pass
    finally:
        conn.close()


class Scorer:
    """Feed it the list's entry ids chunk by chunk, then ask for the head. A sender thread hands chunks to
    the helper as fast as it takes them; whatever it has not taken when the list is read is scored here,
    so neither core waits for the other."""

    def __init__(self, *, parallel: bool = True):
        self.process = None
        self.conn = None
        self.starting = None
        self.sender = None
        self.chunks: queue.Queue = queue.Queue()
        self.job: tuple[bytes, str, int] | None = None
        self.pending: list[tuple[int, Sequence[str]]] = []  # held back until the pool is worth the helper
        self.fed = 0  # entry ids fed so far
        self.streaming = False  # the helper has the job, and the sender the chunks
        self.spoiled = False  # the chunks fed are not the final list: score in this process
        self.shared = False  # True once the helper's head was used
        if parallel and (os.cpu_count() or 1) >= 2:
            context = multiprocessing.get_context("forkserver")
            self.conn, child = context.Pipe()
            self.process = context.Process(target=_serve, args=(child,), daemon=True)
            self.starting = threading.Thread(target=self._start, daemon=True)
            self.starting.start()

    def _start(self) -> None:
        try:
            self.process.start()
        except OSError:
            self.process = None

    def begin(self, seed: bytes, beacon: str, count: int) -> None:
        self.job = (seed, beacon, count)

    def feed(self, entry_ids: Sequence[str]) -> None:
        """The next chunk of the list's entry ids, in list order."""
        if self.spoiled or self.job is None:
            return
        chunk = (self.fed, entry_ids)
        self.fed += len(entry_ids)
        if self.streaming:
            self.chunks.put(chunk)
            return
        self.pending.append(chunk)
        if self.fed >= PARALLEL_FROM:
            if self.starting is not None:
                self.starting.join()
            if self.process is not None:
                self.streaming = True
                for held in self.pending:
                    self.chunks.put(held)
                self.sender = threading.Thread(target=self._send_chunks, daemon=True)
                self.sender.start()
            self.pending = []

    def _send_chunks(self) -> None:
        try:
            self.conn.send(self.job)
            while (chunk := self.chunks.get()) is not None:
                self.conn.send(chunk)
        except OSError:  # the helper is gone: `result` scores here
            self.spoiled = True

    def discard(self) -> None:
        """The chunks fed so far are not the final list (it is read again, or re-sorted)."""
        self.spoiled = True

    def result(self, entry_ids: Sequence[str]) -> list[tuple[bytes, int]]:
        """The `count` lowest (score, index) pairs of the whole list, ascending."""
        seed, beacon, count = self.job
        if not self.streaming or self.spoiled:
            return algorithm.lowest_scores(seed, beacon, entry_ids, count)
        mine: list[tuple[bytes, int]] = []
        with contextlib.suppress(queue.Empty):
            while True:  # the chunks the helper has not taken yet are scored here
                start, chunk = self.chunks.get_nowait()
                mine = heapq.nsmallest(
                    count, mine + algorithm.lowest_scores(seed, beacon, chunk, count, start)
                )
        self.chunks.put(None)
        self.sender.join()
        try:
            if self.spoiled:
                raise EOFError
            self.conn.send(None)
            theirs = self.conn.recv()
        except (EOFError, OSError):  # the helper died (killed, out of memory)
            return algorithm.lowest_scores(seed, beacon, entry_ids, count)
        self.shared = True
        return heapq.nsmallest(count, mine + theirs)

    def close(self) -> None:
        if self.starting is not None:
            self.starting.join()
        if self.sender is not None and self.sender.is_alive():
            self.chunks.put(None)
        if self.process is not None:
            if self.streaming and not self.shared:  # mid-list (an error, or the list was read again)
                self.process.kill()
            elif not self.streaming:
                with contextlib.suppress(OSError):
                    self.conn.send(None)
            self.process.join(timeout=5)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
            self.process.close()
            self.process = None
        if self.sender is not None:
            self.sender.join()
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def __enter__(self) -> "Scorer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
