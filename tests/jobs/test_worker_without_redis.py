"""`flask jobs worker` started while Redis is down keeps ticking: it exited with a traceback, and since web
processes leave ticking to the workers when Redis is set, nobody ran the outbox during the outage (a
takedown's public copies stayed public, uploads stayed unprocessed)."""

from datetime import timedelta
from pathlib import Path

import pytest

from campaign import outbox
from campaign.extensions import db
from tests.auth.test_login_without_redis import closed_loopback_port
from tests.jobs.workers import running_worker, wait_for

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def mark(path: str) -> None:
    Path(path).write_text("ran")


def rows_left(app) -> int:
    with app.app_context():
        return db.session.query(outbox.OutboxJob).count()


def test_a_worker_started_while_redis_is_down_runs_the_outbox_and_keeps_trying(app, database_url, tmp_path):
    marker = tmp_path / "ran"
    with app.app_context():
        outbox.add(mark, (str(marker),), now=outbox.utcnow() - outbox.LEASE - timedelta(seconds=1))
        db.session.commit()
    redis_url = f"redis://127.0.0.1:{closed_loopback_port()}/0"
    with running_worker(database_url, redis_url, tmp_path) as (worker, log):
        # until it ran and deleted the row and said why it waits: the row goes just after the job's file
        # appears, so the file alone is early
        wait_for(
            worker,
            lambda: marker.exists() and "Redis is unreachable" in log.read_text() and not rows_left(app),
        )
        assert worker.poll() is None, log.read_text()[-2000:]
        assert marker.read_text() == "ran"
    with app.app_context():
        assert db.session.query(outbox.OutboxJob).count() == 0
