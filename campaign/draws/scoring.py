"""The draw's scores, computed while the draw goes on reading the entries.

A million HMAC-SHA256s take about a second of Python, and so does reading a million tickets. The read
waits with Python's lock released (SQLite inside its C code, PostgreSQL on its own server while the driver
waits on the socket), so the list's reader thread (`eligibility`) scores each chunk of entry ids as soon as
it is read, here, and keeps the lowest `count` (score, index) pairs. There is no process to start and no
ids to copy: the helper process this replaced was started from a forkserver for every draw, small or large,
and fed pickled chunks through a pipe. The merged head is exactly the one `algorithm.lowest_scores`
computes alone; if the list fed is not the final one (it was read again or re-sorted), the head is computed
in the caller instead.
"""

import heapq
from collections.abc import Sequence

from campaign.draws import algorithm


class Scorer:
    """Feed it the list's entry ids chunk by chunk, in list order, then ask for the head."""

    def __init__(self, seed: bytes, beacon: str, count: int):
        self.job = (seed, beacon, count)
        self.head: list[tuple[bytes, int]] = []
        self.fed = 0  # entry ids fed so far
        self.spoiled = False  # the chunks fed are not the final list: score in the caller

    def feed(self, entry_ids: Sequence[str]) -> None:
        """The next chunk of the list's entry ids, in list order: scored now."""
        if not self.spoiled:
            seed, beacon, count = self.job
            mine = algorithm.lowest_scores(seed, beacon, entry_ids, count, self.fed)
            self.head = heapq.nsmallest(count, self.head + mine)
            self.fed += len(entry_ids)

    def discard(self) -> None:
        """The chunks fed so far are not the final list (it is read again, or re-sorted)."""
        self.spoiled = True

    def result(self, entry_ids: Sequence[str]) -> list[tuple[bytes, int]]:
        """The `count` lowest (score, index) pairs of the whole list, ascending."""
        if self.spoiled or self.fed != len(entry_ids):
            seed, beacon, count = self.job
            return algorithm.lowest_scores(seed, beacon, entry_ids, count)
        return self.head
