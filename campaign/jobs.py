"""Background work: the same plain functions run inline by default, or on RQ workers when Redis is set."""

import logging
from collections.abc import Callable

from flask import Flask, current_app

log = logging.getLogger(__name__)
_AFTER_COMMIT = "kuchikomi.jobs.after_commit"
_READY = "kuchikomi.jobs.ready"


def enqueue(func: Callable, *args) -> None:
    """Runs `func(*args)` now (inline) or queues it; `func` must be importable by path for RQ."""
    queue = current_app.extensions.get("rq_queue")
    if queue is None:
        _run_inline(func, *args)
        return
    from rq import Retry

    queue.enqueue(func, *args, retry=Retry(max=3, interval=[10, 60, 300]))


def after_commit(func: Callable, *args) -> None:
    """Runs or queues `func(*args)` once the current transaction has committed; a rollback drops it.

    The work starts when the app context ends (after the request, the CLI command or the job), when
    the session is free again: SQLAlchemy allows no SQL inside its own commit hooks.
    """
    from campaign.extensions import db

    db.session.info.setdefault(_AFTER_COMMIT, []).append((func, args))


def _committed(session) -> None:
    waiting = session.info.pop(_AFTER_COMMIT, [])
    if waiting:
        session.info.setdefault(_READY, []).extend(waiting)


def _rolled_back(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_AFTER_COMMIT, None)


def run_ready(_error: BaseException | None = None) -> None:
    """Starts the work whose transaction has committed (the app context's teardown calls this)."""
    from campaign.extensions import db

    if not db.session.registry.has():  # this context never opened a session: nothing can be waiting
        return
    while ready := db.session.info.pop(_READY, []):
        for func, args in ready:
            enqueue(func, *args)


def _run_inline(func: Callable, *args) -> None:
    """As on a worker, a failing job never fails the request that queued it: it is logged, left to retry."""
    from campaign.extensions import db

    try:
        func(*args)
    except Exception:
        db.session.rollback()
        log.exception("inline job %s%r failed", func.__name__, args)


def install() -> None:
    """Registers the session listeners once per process (idempotent)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_commit", _committed):
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_soft_rollback", _rolled_back)


def init_app(app: Flask) -> None:
    """Call after the database extension: teardowns run in reverse, so ours runs before the session goes."""
    install()
    app.teardown_appcontext(run_ready)
    url = app.config.get("REDIS_URL")
    if not url or app.config.get("JOBS_INLINE"):
        return
    from redis import Redis
    from rq import Queue

    # Redis connects lazily, on the first enqueue: nothing happens at start-up.
    app.extensions["rq_queue"] = Queue("kuchikomi", connection=Redis.from_url(url))


def register_cli(app: Flask) -> None:
    from flask.cli import AppGroup

    jobs_cli = AppGroup("jobs", help="Background job workers.")

    @jobs_cli.command("worker")
    def worker() -> None:
        """Runs an RQ worker inside the app context (needs KUCHIKOMI_REDIS_URL)."""
        from rq import Worker

        queue = current_app.extensions.get("rq_queue")
        if queue is None:
            raise SystemExit("KUCHIKOMI_REDIS_URL is not set: jobs run inline, no worker is needed.")
        Worker([queue], connection=queue.connection).work()

    app.cli.add_command(jobs_cli)
