"""The draw's scores, computed by a thread while the draw goes on reading the entries.

A million HMAC-SHA256s take about a second of Python, and so does reading a million tickets. The read
runs with Python's lock released (SQLite inside its C code, PostgreSQL on its own server while the driver
waits on the socket), so a thread of the same process scores each chunk of entry ids as soon as it is
read, and keeps the lowest `count` (score, index) pairs. There is no process to start and no ids to copy:
the helper process this replaced was started from a forkserver for every draw, small or large, and fed
pickled chunks through a pipe. (On PostgreSQL the driver takes the lock back for each piece of the answer
it receives, so there the two threads partly share one core: at 200,000 entries the draw measured as fast
as with the helper process, on SQLite faster.) The merged head is
exactly the one `algorithm.lowest_scores` computes alone; if the list fed is not the final one (it was
read again or re-sorted) or the thread failed, the head is computed in the caller instead.
"""

import heapq
import queue
import threading
from collections.abc import Sequence

from campaign.draws import algorithm


class Scorer:
    """Feed it the list's entry ids chunk by chunk, in list order, then ask for the head."""

    def __init__(self, seed: bytes, beacon: str, count: int):
        self.job = (seed, beacon, count)
        self.chunks: queue.SimpleQueue = queue.SimpleQueue()
        self.head: list[tuple[bytes, int]] = []
        self.fed = 0  # entry ids fed so far
        self.spoiled = False  # the chunks fed are not the final list: score in the caller
        self.failed = False  # the thread raised: score in the caller
        self.thread = threading.Thread(target=self._score_chunks, name="draw-scorer", daemon=True)
        self.thread.start()

    def _score_chunks(self) -> None:
        seed, beacon, count = self.job
        while (message := self.chunks.get()) is not None:
            if self.spoiled or self.failed:
                continue
            start, chunk = message
            try:
                mine = algorithm.lowest_scores(seed, beacon, chunk, count, start)
                self.head = heapq.nsmallest(count, self.head + mine)
            except Exception:  # out of memory, say: `result` tries again in the caller, which reports it
                self.failed = True

    def feed(self, entry_ids: Sequence[str]) -> None:
        """The next chunk of the list's entry ids, in list order."""
        if not self.spoiled:
            self.chunks.put((self.fed, entry_ids))
            self.fed += len(entry_ids)

    def discard(self) -> None:
        """The chunks fed so far are not the final list (it is read again, or re-sorted)."""
        self.spoiled = True

    def result(self, entry_ids: Sequence[str]) -> list[tuple[bytes, int]]:
        """The `count` lowest (score, index) pairs of the whole list, ascending."""
        self.close()
        if self.spoiled or self.failed or self.fed != len(entry_ids):
            seed, beacon, count = self.job
            return algorithm.lowest_scores(seed, beacon, entry_ids, count)
        return self.head

    def close(self) -> None:
        """Ends the thread (after the chunk it is scoring); idempotent."""
        if self.thread.is_alive():
            self.chunks.put(None)
            self.thread.join()

    def __enter__(self) -> "Scorer":
        return self

    def __exit__(self, *exc) -> None:
        self.spoiled = self.spoiled or exc[0] is not None  # an error: skip the chunks still queued
        self.close()
