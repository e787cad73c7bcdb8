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

from campaign import leases, outbox
from campaign.clock import utcnow
from campaign.extensions import db

log = logging.getLogger(__name__)
PENDING_GRACE = timedelta(minutes=10)  # an upload's own job normally derives it within seconds
FAILED_GRACE = timedelta(hours=6)  # a photo that failed (a bound, damaged data) is tried again, rarely
GC_GRACE = timedelta(days=1)  # `storage gc --delete` keeps anything younger (uploads not yet committed)


class Duty(NamedTuple):
    name: str
    every: timedelta
    run: Callable[[datetime], str]  # commits its own work; returns a one-line summary


def _entries(now: datetime) -> str:
    from campaign.entries.processing import process_each, waiting

    ids = waiting(failed=False, now=now, grace=PENDING_GRACE)
    ids += [i for i in waiting(failed=True, now=now, grace=FAILED_GRACE) if i not in ids]
    outcomes = process_each(ids)
    return ", ".join(f"{len(v)} {k}" for k, v in outcomes.items())


def _expire_claims(now: datetime) -> str:
    from campaign.draws import housekeeping

    return f"{housekeeping.expire_claims(now=now)} forfeited"


def _purge_addresses(now: datetime) -> str:
    from campaign.draws import housekeeping

    return f"{housekeeping.purge_addresses(now=now)} purged"


def _webhooks(now: datetime) -> str:
    from campaign.webhooks.services import deliver_due

    return f"{deliver_due(now=now)} attempted"


def _storage_gc(now: datetime) -> str:
    from campaign.storage import get_storage, referenced_keys
    from campaign.storage.gc import delete_orphans, find_orphans

    if not current_app.extensions.get("storage_refs"):
        return "skipped: no reference providers"
    storage = get_storage()
    orphans = find_orphans(storage, referenced_keys, older_than=GC_GRACE, now=now)
    return f"{len(delete_orphans(storage, orphans, referenced_keys))} deleted"


def _retention(now: datetime) -> str:
    from campaign.privacy.retention import apply_retention

    done = apply_retention(now=now)
    return f"{done.emails} emails and {done.originals} originals erased in {len(done.campaigns)} campaigns"


def _rights_scan(now: datetime) -> str:
    from campaign.rights.detection import scan_replies

    return f"{scan_replies(now=now)} granted by reply"


def _rights_expire(now: datetime) -> str:
    from campaign.rights.services import expire_due

    requests, grants = expire_due(now=now)
    db.session.commit()
    return f"{requests} requests and {grants} grants expired"


def _sources(now: datetime) -> str:
    from campaign.sources.poll import poll_all

    return ", ".join(f"{count} {outcome}" for outcome, count in poll_all(now=now).items()) or "no sources"


def _sources_recheck(now: datetime) -> str:
    from campaign.sources.removal import recheck_all

    return f"{recheck_all(now=now)} removed upstream"


DUTIES = (
    Duty("entries-process", timedelta(minutes=5), _entries),
    Duty("draws-expire-claims", timedelta(minutes=5), _expire_claims),
    Duty("draws-purge-addresses", timedelta(hours=1), _purge_addresses),
    Duty("webhooks-deliver", timedelta(minutes=1), _webhooks),
    Duty("storage-gc", timedelta(days=1), _storage_gc),
    Duty("privacy-retention", timedelta(hours=1), _retention),
    Duty("rights-scan", timedelta(minutes=15), _rights_scan),  # issue 12: key-hashtag replies
    Duty("rights-expire", timedelta(minutes=15), _rights_expire),  # issue 12: unanswered requests, grants
    Duty("sources-poll", timedelta(minutes=5), _sources),
    Duty("sources-recheck", timedelta(hours=6), _sources_recheck),
)
DUTY_LEASE = timedelta(minutes=30)  # a ticker that dies mid-duty blocks that duty this long at most


def tick(*, now: datetime | None = None, duties=DUTIES) -> dict[str, str]:
    """Drains the due outbox rows, then runs each due duty nobody else runs; returns what each did."""
    now = now or utcnow()
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
