"""Durable after-commit work: each `jobs.after_commit(func, *args)` is a row of `outbox_jobs`, written in
the same transaction as the change it follows, so the work survives a crash, a lost RQ job or Redis being
down.

A row is deleted once its job has run. Whoever runs a row first claims it: one conditional UPDATE that
takes a fresh token and a lease (`next_attempt_at` moves a lease ahead). The process that committed the row
holds its first token and runs or queues it at once; anyone else (the drainer in `schedule.tick`) may claim
it only when it is due: its lease ran out (a worker killed mid-job) or its back-off after a failure passed.
Two claimants of the same row: one UPDATE matches, the other finds the token changed and leaves it.
Jobs must therefore be idempotent: a lease that runs out under a slow job lets a second run start.
"""

import contextlib
import importlib
import json
import logging
import secrets
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import datetime, timedelta

from sqlalchemy import Integer, String, Text, delete, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from campaign import logs, metrics
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.sqltypes import UTCDateTime

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)  # longer than any job (media processing is bounded at 20 s a photo)
# After failure n, wait BACKOFF[n-1] (the last one repeats): the row stays, with its error, until it runs.
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1))


class OutboxJob(db.Model):
    __tablename__ = "outbox_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    func: Mapped[str] = mapped_column(String(200))  # "package.module:function"
    args: Mapped[str] = mapped_column(Text)  # a JSON list
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    token: Mapped[str] = mapped_column(String(32))  # the current claim
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # the request that queued it: every run's log lines carry it, a drainer's retry too
    request_id: Mapped[str] = mapped_column(String(100), default="", server_default="")


def lease() -> timedelta:
    """How long a claim holds a row: KUCHIKOMI_JOB_LEASE_SECONDS (default LEASE). A worker killed mid-job
    leaves its row to the drainer after this; it must outlast the slowest job."""
    from flask import current_app, has_app_context

    seconds = current_app.config.get("JOB_LEASE_SECONDS") if has_app_context() else None
    return timedelta(seconds=seconds) if seconds else LEASE


def path_of(func: Callable) -> str:
    """`module:qualname`; a job must be importable by it (no lambdas, no nested functions)."""
    path = f"{func.__module__}:{func.__qualname__}"
    if "<" in path or resolve(path) is not func:
        raise ValueError(f"a job must be a module-level function, not {path}")
    return path


def resolve(path: str) -> Callable:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def add(func: Callable, args: tuple, *, now: datetime) -> OutboxJob:
    """In the caller's transaction: the row, held by its creator for a lease (it runs it after the commit)."""
    row = OutboxJob(
        func=path_of(func),
        args=json.dumps(list(args)),
        attempts=0,
        next_attempt_at=now + lease(),
        last_error="",
        token=secrets.token_hex(16),
        created_at=now,
        request_id=(logs.current_request_id() or "")[:100],
    )
    db.session.add(row)
    return row


def claim(job_id: int, token: str, *, now: datetime) -> str | None:
    """Takes the row if it still carries `token` or is due; commits; returns the new token, or None."""
    new = secrets.token_hex(16)
    taken = db.session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == job_id, or_(OutboxJob.token == token, OutboxJob.next_attempt_at <= now))
        .values(token=new, next_attempt_at=now + lease())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return new if taken else None


def run(job_id: int, token: str) -> bool:
    """Claims the row, runs its job, deletes it; a failure is recorded for a later retry. True once done.

    This is also the RQ job: a worker runs it with the token the committing process gave it. Its lines are
    logged under the id of the request that queued it: from the RQ job's meta (which workers of an older
    release ignore, where an argument more would fail them during a rolling upgrade), else from the row (a
    drainer's retry)."""
    from rq import get_current_job

    queued = get_current_job()
    request_id = queued.meta.get("request_id") if queued is not None else None
    if claim(job_id, token, now=utcnow()) is None:
        return False  # done already, or another process runs it now
    row = db.session.get(OutboxJob, job_id)
    path, args, attempts = row.func, json.loads(row.args), row.attempts
    request_id = request_id or row.request_id or logs.current_request_id()
    with logs.bound_request_id(request_id), _running_job(job_id):
        try:
            resolve(path)(*args)
        except Exception as exc:
            db.session.rollback()
            log.exception("job %s (outbox %d, attempt %d) failed", path, job_id, attempts + 1)
            metrics.JOB_FAILURES.labels(path).inc()
            failed(job_id, f"{type(exc).__name__}: {exc}", attempts=attempts)
            return False
    db.session.rollback()  # whatever the job left uncommitted is not ours to commit
    db.session.execute(delete(OutboxJob).where(OutboxJob.id == job_id))
    db.session.commit()
    return True


_current_job: ContextVar[int | None] = ContextVar("kuchikomi_outbox_job", default=None)


@contextlib.contextmanager
def _running_job(job_id: int) -> Iterator[None]:
    token = _current_job.set(job_id)
    try:
        yield
    finally:
        _current_job.reset(token)


def running_job() -> int | None:
    """The outbox row whose job runs now (in this thread), or None: a job that must not repeat an outside
    effect on a retry (a mail) records it under this id."""
    return _current_job.get()


def failed(job_id: int, error: str, *, attempts: int) -> None:
    """Records a failed or unqueued run; the row becomes due again after its back-off."""
    now = utcnow()
    db.session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == job_id)
        .values(
            attempts=attempts + 1,
            last_error=error[:2000],
            next_attempt_at=now + BACKOFF[min(attempts, len(BACKOFF) - 1)],
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def not_queued(job_id: int, error: str) -> None:
    """The committing process could not queue the row: due at once for the next drain."""
    db.session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == job_id)
        .values(last_error=f"not queued: {error}"[:2000], next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def depth() -> dict[str, int]:
    """Rows waiting: "pending" (never failed: queued, running or about to) and "failing" (failed at least
    once, waiting for their back-off)."""
    from sqlalchemy import case, func

    failing = case((OutboxJob.attempts > 0, 1), else_=0)
    total, failed = db.session.execute(select(func.count(), func.coalesce(func.sum(failing), 0))).one()
    db.session.rollback()
    return {"pending": total - failed, "failing": failed}


def failing(limit: int = 100) -> list[OutboxJob]:
    """Rows that failed at least once, the most tried first (`flask jobs failing`)."""
    query = select(OutboxJob).where(OutboxJob.attempts > 0)
    return list(db.session.scalars(query.order_by(OutboxJob.attempts.desc(), OutboxJob.id).limit(limit)))


def drain(*, now: datetime, limit: int = 100) -> tuple[int, int]:
    """Runs the due rows here, one claim each (safe beside other drainers); returns (done, failed)."""
    query = select(OutboxJob.id, OutboxJob.token).where(OutboxJob.next_attempt_at <= now)
    query = query.order_by(OutboxJob.next_attempt_at).limit(limit)
    if db.engine.dialect.name == "postgresql":  # rows another drainer is claiming are skipped, not awaited
        query = query.with_for_update(skip_locked=True)
    due = db.session.execute(query).all()
    db.session.commit()
    done = sum(1 for job_id, token in due if run(job_id, token))
    return done, len(due) - done
