"""The event endpoint's buffer: beacons wait here and reach the database in batches, never one by one.

With Redis configured (KUCHIKOMI_REDIS_URL), every web process appends to one Redis list and the rollup
duty (on the workers) drains it; otherwise each process keeps its own list and a thread of that process
writes it every few seconds, or at once when it grows past FLUSH_AT.
"""

import atexit
import contextlib
import json
import logging
import os
import secrets
import threading
import weakref
from datetime import date, datetime

from flask import Flask

from campaign.analytics import store
from campaign.analytics.intake import Accepted

log = logging.getLogger(__name__)
FLUSH_AT = 500
FLUSH_EVERY = 2.0  # seconds
MAX_HELD = 200_000  # beacons kept while the database is down; beyond, the oldest are dropped (and logged)
REDIS_KEY = "kuchikomi:analytics:events"
_writing: "weakref.WeakSet[MemoryBuffer]" = weakref.WeakSet()  # buffers whose writer thread runs here


class MemoryBuffer:
    def __init__(self, app: Flask, *, thread: bool):
        self.app, self.thread_wanted = app, thread
        self.items: list[Accepted] = []
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.writer: threading.Thread | None = None
        self.owner_pid: int | None = None

    def add(self, accepted: Accepted) -> None:
        with self.lock:
            self.items.append(accepted)
            full = len(self.items) >= FLUSH_AT
        if self.thread_wanted and self.owner_pid != os.getpid():
            self._start()
        if full:
            self.wake.set()

    def _start(self) -> None:
        with self.lock:
            if self.owner_pid == os.getpid():
                return
            self.owner_pid = os.getpid()  # after a fork the child starts its own writer
        self.stopping.clear()
        self.writer = threading.Thread(target=self._run, name="kuchikomi-analytics", daemon=True)
        self.writer.start()
        _writing.add(self)
        atexit.register(self.flush)

    def stop(self) -> None:
        """Ends the writer thread after one last flush (a worker's shutdown; the end of a test)."""
        writer = self.writer
        if writer is None or not writer.is_alive():
            return
        self.stopping.set()
        self.wake.set()
        writer.join(timeout=30)
        atexit.unregister(self.flush)  # its last flush is done; at exit its database may be gone
        self.owner_pid = None

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.wake.wait(FLUSH_EVERY)
            self.wake.clear()
            try:
                self.flush()
            except Exception:  # the database is down: the beacons wait for the next turn
                log.exception("analytics buffer could not be written; kept for the next try")

    def flush(self) -> int:
        with self.lock:
            batch, self.items = self.items, []
        if not batch:
            return 0
        try:
            with self.app.app_context():
                return store.write(batch)
        except Exception:
            with self.lock:
                self.items[:0] = batch
                if len(self.items) > MAX_HELD:
                    log.error("analytics buffer full: %s beacons dropped", len(self.items) - MAX_HELD)
                    del self.items[: len(self.items) - MAX_HELD]
            raise


def _encode(accepted: Accepted) -> str:
    def default(value):
        if isinstance(value, datetime | date):
            return value.isoformat()
        raise TypeError(type(value))

    return json.dumps({"r": accepted.rows, "o": accepted.order}, default=default, separators=(",", ":"))


def _decode(raw: bytes) -> Accepted:
    data = json.loads(raw)
    for row in data["r"]:
        row["day"] = date.fromisoformat(row["day"])
        row["occurred_at"] = datetime.fromisoformat(row["occurred_at"])
    return Accepted(data["r"], tuple(data["o"]) if data["o"] else None)


class RedisBuffer:
    """RPUSH per beacon; a flush renames the list first (atomic), so beacons arriving meanwhile wait for
    the next one, and a flusher that dies leaves its renamed list for the next flush to finish."""

    def __init__(self, app: Flask, url: str, *, thread: bool):
        from redis import Redis

        self.app = app
        self.redis = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        # Redis down: a counted visit or a beacon must never fail the page it came with, so it waits in
        # this process instead (written by its own thread, or by the next flush here).
        self.fallback = MemoryBuffer(app, thread=thread)

    def add(self, accepted: Accepted) -> None:
        from redis.exceptions import RedisError

        try:
            self.redis.rpush(REDIS_KEY, _encode(accepted))
        except RedisError as exc:
            log.warning("analytics beacon kept in this process: Redis is unreachable (%s)", exc)
            self.fallback.add(accepted)

    def flush(self) -> int:
        from redis.exceptions import ResponseError

        written = self.fallback.flush()
        with contextlib.suppress(ResponseError):  # no such key: nothing new
            self.redis.rename(REDIS_KEY, f"{REDIS_KEY}:flushing:{secrets.token_hex(8)}")
        for key in self.redis.scan_iter(f"{REDIS_KEY}:flushing:*"):
            batch = [_decode(raw) for raw in self.redis.lrange(key, 0, -1)]
            with self.app.app_context():
                written += store.write(batch)
            self.redis.delete(key)
        return written


def stop_writers() -> None:
    """Ends every writer thread of this process, each after its last flush: a thread bound to one app must
    not outlive it (in tests it went on writing to a dropped database, and compiled code beside the next
    test's start, which CPython 3.11's parser is not safe against)."""
    for buffer in list(_writing):
        buffer.stop()
        _writing.discard(buffer)


def make_buffer(app: Flask):
    thread = app.config.get("ANALYTICS_FLUSH_THREAD")
    thread = (not app.testing) if thread is None else bool(thread)
    url = app.config.get("REDIS_URL")
    return RedisBuffer(app, url, thread=thread) if url else MemoryBuffer(app, thread=thread)


def get_buffer(app: Flask):
    return app.extensions["analytics_buffer"]
