"""A cooperative time budget, checked between processing stages (a single decode is bounded by max_pixels)."""

from __future__ import annotations

import time

from campaign.media.errors import MediaError


class Deadline:
    """`check` raises MediaError("timeout") once `seconds` of wall time have passed; None: no limit."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._ends = None if seconds is None else time.monotonic() + seconds

    def check(self, stage: str) -> None:
        """Call after each stage; `stage` names the work that used up the budget."""
        if self._ends is not None and time.monotonic() >= self._ends:
            raise MediaError("timeout", {"seconds": self.seconds, "stage": stage})
