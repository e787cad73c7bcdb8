"""Cheap checks before a beacon is counted: robots by user agent, a rate per address, replays.

All in this process's memory (no request waits on a network round trip): with several worker processes
the rate allows each its share, and a replay that reaches another worker is still stopped when the batch
is written (an event id is stored once per day, an order id once ever).
"""

import re
import threading
import time
from collections import OrderedDict

BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|headless|lighthouse|pagespeed|phantom|puppeteer|playwright|selenium"
    r"|curl|wget|python|java/|go-http|okhttp|axios|node-fetch|httpclient|scrapy|monitor|uptime",
    re.IGNORECASE,
)
RATE = 120  # beacons per address per minute (a person scrolling a long page sends a few dozen)
WINDOW = 60.0


def is_robot(user_agent: str) -> bool:
    return not user_agent or len(user_agent) > 512 or BOT_AGENT.search(user_agent) is not None


class RateLimit:
    """A fixed window per address; the table is bounded (the oldest windows are forgotten first)."""

    def __init__(self, rate: int = RATE, window: float = WINDOW, size: int = 100_000):
        self.rate, self.window, self.size = rate, window, size
        self.counts: OrderedDict[str, list] = OrderedDict()
        self.lock = threading.Lock()

    def allow(self, address: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self.lock:
            slot = self.counts.get(address)
            if slot is None or now - slot[0] >= self.window:
                slot = [now, 0]
                self.counts[address] = slot
                self.counts.move_to_end(address)
                while len(self.counts) > self.size:
                    self.counts.popitem(last=False)
            slot[1] += 1
            return slot[1] <= self.rate


class Seen:
    """Ids seen recently (bounded): the second arrival of an event id or order key is a replay."""

    def __init__(self, size: int = 200_000):
        self.size = size
        self.ids: OrderedDict[str, None] = OrderedDict()
        self.lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        with self.lock:
            if key in self.ids:
                return False
            self.ids[key] = None
            if len(self.ids) > self.size:
                self.ids.popitem(last=False)
            return True

    def clear(self) -> None:
        with self.lock:
            self.ids.clear()
