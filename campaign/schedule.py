"""The periodic duties, run without cron: one `tick` drains the outbox and runs every duty that is due.

Who ticks: with Redis, every `flask jobs worker` (beside RQ's own scheduler); on the embedded default, a
background thread of each web process, started by its first request. `flask jobs tick` runs one by hand.
Any number of tickers may run at once: a duty runs only under its lease (`campaign/leases.py`, name
`duty:<name>`), whose end also says when it is next due, and the outbox claims each row.
"""

import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import Flask, current_app
from sqlalchemy import select

from campaign import leases, outbox
from campaign.clock import utcnow
from campaign.extensions import db

log = logging.getLogger(__name__)
GC_GRACE = timedelta(days=1)  # `storage gc --delete` keeps anything younger (uploads not yet committed)


class Duty(NamedTuple):
    name: str
    every: timedelta
    run: Callable[[datetime], str]  # commits its own work; returns a one-line summary


def _storage_gc(now: datetime) -> str:
    from campaign.storage import get_storage, referenced_keys
    from campaign.storage.gc import delete_orphans, find_orphans

    if not current_app.extensions.get("storage_refs"):
        return "skipped: no reference providers"
    storage = get_storage()
    orphans = find_orphans(storage, referenced_keys, older_than=GC_GRACE, now=now)
    return f"{len(delete_orphans(storage, orphans, referenced_keys))} deleted"


# Duties of the core; each feature adds its own in its `init_app` (`add_duty`).
CORE_DUTIES = (Duty("storage-gc", timedelta(days=1), _storage_gc),)
DUTY_LEASE = timedelta(minutes=30)  # a ticker that dies mid-duty blocks that duty this long at most


def add_duty(app: Flask, name: str, every: timedelta, run: Callable[[datetime], str]) -> None:
    """A feature's periodic duty, run by every ticker of `app` (a second one of the same name is refused)."""
    duties = app.extensions.setdefault("duties", list(CORE_DUTIES))
    if any(d.name == name for d in duties):
        raise ValueError(f"a duty named {name} is registered already")
    duties.append(Duty(name, every, run))


def registered() -> tuple[Duty, ...]:
    """The current app's duties: the core's and every feature's."""
    return tuple(current_app.extensions.get("duties", CORE_DUTIES))


def tick(*, now: datetime | None = None, duties: tuple[Duty, ...] | None = None) -> dict[str, str]:
    """Drains the due outbox rows, then runs each due duty nobody else runs; returns what each did."""
    now = now or utcnow()
    duties = registered() if duties is None else duties
    done, failed = outbox.drain(now=now)
    results = {"outbox": f"{done} done, {failed} failed"}
    for duty in duties:
        name = f"duty:{duty.name}"
        holder = leases.take(name, now=now, ttl=DUTY_LEASE)
        if holder is None:
            continue  # not due yet, or another ticker runs it now
        try:
            results[duty.name] = duty.run(now)
        except Exception as exc:  # reported, and tried again at its next turn
            db.session.rollback()
            log.exception("periodic duty %s failed", duty.name)
            results[duty.name] = f"failed: {type(exc).__name__}: {exc}"
        leases.release(name, holder, until=now + duty.every)
    return results


def next_turns(names: list[str]) -> dict[str, datetime]:
    """When each named duty may run next (its lease's end: the next turn, or when a ticker running it now
    lets go); a duty that never ran is absent."""
    rows = db.session.execute(
        select(leases.Lease.name, leases.Lease.expires_at).where(
            leases.Lease.name.in_([f"duty:{name}" for name in names])
        )
    )
    return {name.removeprefix("duty:"): expires for name, expires in rows}


def thread_wanted(app: Flask) -> bool:
    """The embedded default ticks in the web process; with Redis the workers do; tests only when asked."""
    setting = app.config.get("SCHEDULER_THREAD")
    if setting is not None:
        return bool(setting)
    return not app.config.get("REDIS_URL") and not app.testing


_started: dict[int, threading.Thread] = {}  # pid -> ticker: one per process, again after a fork
_start_lock = threading.Lock()
_stop = threading.Event()


def start_background(app: Flask) -> threading.Thread | None:
    """Starts this process's ticker thread unless it runs already; returns it when this call started it."""
    with _start_lock:
        if os.getpid() in _started:
            return None
        thread = threading.Thread(target=_loop, args=(app,), name="kuchikomi-ticker", daemon=True)
        _started[os.getpid()] = thread
    thread.start()
    return thread


def stop_background() -> None:
    """Stops this process's ticker after its current tick (tests; a worker's shutdown)."""
    thread = _started.get(os.getpid())
    if thread is not None:
        _stop.set()
        thread.join(timeout=120)
        _started.pop(os.getpid(), None)
        _stop.clear()


def _loop(app: Flask) -> None:
    while not _stop.is_set():
        with app.app_context():
            try:
                tick()
            except Exception:  # the database is down, say: try again at the next tick
                log.exception("scheduler tick failed")
        _stop.wait(app.config.get("TICK_SECONDS", 30))


def init_app(app: Flask) -> None:
    if not thread_wanted(app):
        return

    def start_ticker() -> None:  # lazily: an imported app, a `flask` command or a forked server starts none
        start_background(app)

    app.before_request(start_ticker)
