"""Background work after the commit: an outbox row (`campaign/outbox.py`) in the same transaction, then run
inline by default, or queued on RQ workers when Redis is set; what fails or cannot be queued is retried
from the outbox by the scheduler's tick (`campaign/schedule.py`)."""

import logging
import signal
import time
from collections.abc import Callable

from flask import Flask, current_app
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from rq import Worker
from rq.exceptions import StopRequested
from sqlalchemy import inspect

from campaign import logs, outbox
from campaign.extensions import db

log = logging.getLogger(__name__)
_AFTER_COMMIT = "kuchikomi.jobs.after_commit"
_READY = "kuchikomi.jobs.ready"
QUEUE = "kuchikomi"  # the RQ queue every app server fills and every worker takes from
RECONNECT = 10  # seconds between a worker's attempts to reach Redis, while its ticker goes on
STOP_CHECK_SECONDS = 0.2  # how often that wait looks for a stop request


def after_commit(func: Callable, *args) -> None:
    """Runs or queues `func(*args)` once the current transaction has committed; a rollback drops it.

    `func` must be a module-level function, its arguments JSON values, and the job idempotent. The row
    is written now, in the caller's transaction; the work starts when the app context ends (after the
    request, the CLI command or the job), when the session is free again: SQLAlchemy allows no SQL inside
    its own commit hooks.
    """
    from campaign.clock import utcnow
    from campaign.extensions import db

    row = outbox.add(func, args, now=utcnow())
    db.session.info.setdefault(_AFTER_COMMIT, []).append(row)


def _committed(session) -> None:
    waiting = session.info.pop(_AFTER_COMMIT, [])
    if waiting:
        ready = [(inspect(row).identity[0], row.token) for row in waiting if inspect(row).identity]
        session.info.setdefault(_READY, []).extend(ready)


def _rolled_back(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_AFTER_COMMIT, None)


def run_ready(_error: BaseException | None = None) -> None:
    """Starts the work whose transaction has committed (the app context's teardown calls this)."""
    from campaign.extensions import db

    if not db.session.registry.has():  # this context never opened a session: nothing can be waiting
        return
    while ready := db.session.info.pop(_READY, []):
        queue = current_app.extensions.get("rq_queue")
        if queue is None:
            for job_id, token in ready:
                _run_here(job_id, token)
        else:
            _enqueue(queue, ready)


def _run_here(job_id: int, token: str) -> None:
    """Runs the row in this process; a failure never fails the request: the outbox keeps it."""
    try:
        outbox.run(job_id, token)
    except Exception:  # the database itself failed: the row is still there, due after its lease
        db.session.rollback()
        log.exception("outbox job %d could not be started", job_id)


def _enqueue(queue, ready: list[tuple[int, str]]) -> None:
    """Queues the rows on RQ in one Redis round trip (one MULTI/EXEC: all of them or none); when Redis is
    unreachable they are left for the drainer, and the request still succeeds."""
    try:
        try:
            with queue.connection.pipeline() as pipe:
                meta = {"request_id": logs.current_request_id()}
                for job_id, token in ready:
                    queue.enqueue(outbox.run, job_id, token, meta=meta, pipeline=pipe)
                pipe.execute()
        except Exception as exc:  # Redis unreachable: the drainer runs them later
            ids = ", ".join(str(job_id) for job_id, _ in ready)
            log.warning("outbox job %s not queued, left for the drainer: %s", ids, exc)
            db.session.rollback()
            for job_id, _ in ready:
                outbox.not_queued(job_id, str(exc))
    except Exception:  # the database itself failed: the rows are still there, due after their lease
        db.session.rollback()
        log.exception("outbox jobs %s could not be started", [job_id for job_id, _ in ready])


def install() -> None:
    """Registers the session listeners once per process (idempotent)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_commit", _committed):
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_soft_rollback", _rolled_back)


def init_app(app: Flask) -> None:
    """Call after the database extension: teardowns run in reverse, so ours runs before the session goes."""
    from campaign import leases, schedule  # noqa: F401 (leases: its table belongs to the metadata)

    install()
    app.teardown_appcontext(run_ready)
    schedule.init_app(app)
    url = app.config.get("REDIS_URL")
    if not url or app.config.get("JOBS_INLINE"):
        return
    from redis import Redis
    from rq import Queue

    # Redis connects lazily, on the first enqueue: nothing happens at start-up.
    app.extensions["rq_queue"] = Queue(QUEUE, connection=Redis.from_url(url))


PUBSUB_WAIT_SECONDS = 1.0


class CommandChannel:
    """RQ's command thread (a pubsub subscription to the worker's own channel), set up and ended so that a
    worker told to stop, or at the end of a burst, does not wait for the thread."""

    def subscribe(self):
        """RQ's own, but the thread waits one second at a time for a command, not sixty: should it ever
        miss the end of its subscription, redis-py 8's stop() waits at most that long for it."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=PUBSUB_WAIT_SECONDS, daemon=True, exception_handler=self._pubsub_exception_handler
        )

    def unsubscribe(self):
        """RQ's own, in the other order: the thread is asked to stop before UNSUBSCRIBE is sent, so Redis's
        answer, which wakes it, ends it. RQ sends UNSUBSCRIBE first: a thread that read the answer before
        the stop request went back to wait for a subscription that never came, and redis-py 8's stop()
        waits for the thread (60 s with RQ's subscribe, PUBSUB_WAIT_SECONDS with ours; rq 3.0, redis 8.2)."""
        if self.pubsub_thread:
            self.log.info("Worker %s: unsubscribing from channel %s", self.name, self.pubsub_channel_name)
            try:
                self.pubsub_thread.stop(timeout=0)  # asks, without waiting
            except TypeError:  # redis-py before 8: stop() only asks
                self.pubsub_thread.stop()
            try:
                self.pubsub.unsubscribe()  # the answer wakes the thread, which now ends
            except RedisError as exc:  # the thread ends after its wait all the same
                self.log.warning("Worker %s: could not unsubscribe: %s", self.name, exc)
            self.pubsub_thread.stop()  # waits for it (redis-py 8)
            self.pubsub_thread.join(timeout=1)  # as RQ's own (before 8)
            self.pubsub.close()


class ForkSafeWorker(CommandChannel, Worker):
    """RQ runs each job in a forked work horse. The fork inherits the worker's pooled database connections,
    which the worker's ticker thread goes on using: two processes on one PostgreSQL socket garble each
    other ("server closed the connection unexpectedly") and both fail. The horse drops the inherited pool
    without closing it (that would close the parent's sockets) and opens its own connections."""

    def main_work_horse(self, job, queue):
        db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)


class StopSignal:
    """SIGTERM or SIGINT (a deploy's `systemctl stop`, Ctrl+C), whether RQ listens for them or not. RQ's
    worker keeps its stop request to itself; when Redis went away, the worker it was given to was dropped for
    a new one, and the process ran on for minutes, then took jobs again (a fault probe's find)."""

    def __init__(self) -> None:
        self.requested = False

    def listen(self) -> None:
        """Takes the signals back (from the RQ worker that stopped, or before the first starts)."""
        signal.signal(signal.SIGTERM, self.note)
        signal.signal(signal.SIGINT, self.note)

    def note(self, _signum=None, _frame=None) -> None:
        self.requested = True

    def wait(self, seconds: float) -> None:
        """Sleeps `seconds`, or less when a stop is requested (a signal handler only sets the flag)."""
        deadline = time.monotonic() + seconds
        while not self.requested and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, STOP_CHECK_SECONDS))


class StoppableWorker(ForkSafeWorker):
    """Tells the process's `StopSignal` of the stop requests RQ receives, and stops at once on one that came
    before RQ listened (while it connected to Redis, say)."""

    stop_signal: StopSignal | None = None

    def request_stop(self, signum, frame):
        if self.stop_signal is not None:
            self.stop_signal.note()
        return super().request_stop(signum, frame)

    def check_for_suspension(self, burst: bool) -> None:
        if self.stop_signal is not None and self.stop_signal.requested:
            raise StopRequested  # RQ's own way out of its loop, through its teardown
        super().check_for_suspension(burst)


def work(queue, *, burst: bool) -> None:
    """Runs RQ workers until one ends or a stop is requested. Redis unreachable: raised in a burst, else
    tried again every RECONNECT seconds, the ticker going on; a stop request ends that wait at once."""
    stop = StopSignal()
    stop.listen()
    while True:
        try:
            rq_worker = StoppableWorker([queue], connection=queue.connection)  # asks Redis its version
            rq_worker.stop_signal = stop
            rq_worker.work(burst=burst, with_scheduler=True)
            return
        except StopRequested:  # RQ's handler raised it where RQ's loop could not take it
            return
        except RedisConnectionError as exc:
            if burst:
                raise
            if stop.requested:
                log.warning("Redis is unreachable (%s): stopping, as asked", exc)
                return
            # Exiting would stop this process's ticker too, and with it the outbox: during the outage
            # no one would derive uploads or delete the public copies of a takedown.
            log.warning("Redis is unreachable (%s): ticking without it, trying again in %d s", exc, RECONNECT)
        stop.listen()  # RQ's handlers belong to the worker just dropped
        stop.wait(RECONNECT)
        if stop.requested:
            log.warning("stopping, as asked, while Redis is unreachable")
            return


def register_cli(app: Flask) -> None:
    import click
    from flask.cli import AppGroup

    from campaign import schedule

    jobs_cli = AppGroup("jobs", help="Background job workers and the periodic duties.")

    @jobs_cli.command("worker")
    @click.option("--burst", is_flag=True, help="Run what is queued or scheduled and due, then quit.")
    def worker(burst: bool) -> None:
        """Runs an RQ worker with RQ's scheduler (retries, scheduled jobs) and this process's ticker
        (outbox and periodic duties, see `flask jobs tick`). Needs KUCHIKOMI_REDIS_URL."""
        queue = current_app.extensions.get("rq_queue")
        if queue is None:
            raise SystemExit("KUCHIKOMI_REDIS_URL is not set: jobs run inline, no worker is needed.")
        if not burst:
            schedule.start_background(current_app._get_current_object())
        try:
            work(queue, burst=burst)
        except RedisConnectionError as exc:
            raise click.ClickException(f"Redis is unreachable: {exc}") from None
        finally:
            schedule.stop_background()

    @jobs_cli.command("failing")
    def failing() -> None:
        """Lists the background jobs that failed and wait for their retry, with their last error."""
        rows = outbox.failing()
        for row in rows:
            error = (row.last_error.strip().splitlines() or [""])[-1][:200]
            due = f"{row.next_attempt_at:%Y-%m-%d %H:%M:%S}"
            click.echo(f"#{row.id} {row.func} attempts {row.attempts}, next {due} UTC: {error}")
        depth = outbox.depth()
        click.echo(f"{depth['failing']} failing, {depth['pending']} pending")

    @jobs_cli.command("tick")
    def tick() -> None:
        """Runs one tick: the due outbox jobs, then every periodic duty that is due and not running."""
        results = schedule.tick()
        for name, result in results.items():
            click.echo(f"{name}: {result}")
        waiting = [duty.name for duty in schedule.registered() if duty.name not in results]
        turns = schedule.next_turns(waiting)
        for name in waiting:
            turn = f"{turns[name]:%Y-%m-%d %H:%M:%S} UTC" if name in turns else "now"
            click.echo(f"{name}: not due, next turn at {turn}")

    app.cli.add_command(jobs_cli)
