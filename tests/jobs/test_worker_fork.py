"""`flask jobs worker` forks a work horse per job: the horse must not use the database connections it
inherited from the worker, whose ticker thread goes on using them (walked: on PostgreSQL, a job and the
ticker failed together with "server closed the connection unexpectedly")."""

import pytest
import redis
from rq import Queue
from sqlalchemy import text

from campaign.extensions import db
from campaign.jobs import ForkSafeWorker
from tests.redis_dbs import own_redis_url

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
QUEUE_URL = own_redis_url(12)  # 12 or 11


def backend_pid() -> int:
    return db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_job_runs_on_its_own_database_connection_not_the_workers(app):
    connection = redis.Redis.from_url(QUEUE_URL)
    queue = Queue("kuchikomi-fork-test", connection=connection)
    queue.empty()
    with app.app_context():
        workers_own = backend_pid()
        db.session.commit()  # back in the pool, as the ticker thread leaves it between ticks
        job = queue.enqueue(backend_pid)
        ForkSafeWorker([queue], connection=connection).work(burst=True)
        job.refresh()
        assert job.is_finished, job.latest_result()
        assert job.return_value() != workers_own
        assert backend_pid() == workers_own  # and the worker's own connection still works


def test_a_worker_told_to_stop_waits_a_second_for_its_command_thread_not_a_minute(app):
    """RQ's command thread waited up to 60 s for a message, and redis-py 8's stop() waits for the thread:
    `flask jobs worker` took about a minute to exit on SIGTERM (an operator's walk-through). It listens
    one second at a time, and still takes RQ's commands."""
    connection = redis.Redis.from_url(QUEUE_URL)
    worker = ForkSafeWorker([Queue("kuchikomi-fork-test", connection=connection)], connection=connection)
    worker.subscribe()
    try:
        assert worker.pubsub_thread.sleep_time <= 1 and worker.pubsub_thread.is_alive()
    finally:
        worker.unsubscribe()
    worker.pubsub_thread.join(timeout=5)
    assert not worker.pubsub_thread.is_alive()
