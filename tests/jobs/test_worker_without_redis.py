"""`flask jobs worker` started while Redis is down keeps ticking: it exited with a traceback, and since web
processes leave ticking to the workers when Redis is set, nobody ran the outbox during the outage (a
takedown's public copies stayed public, uploads stayed unprocessed)."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from campaign import outbox
from campaign.extensions import db
from tests.auth.test_login_without_redis import closed_loopback_port

ROOT = Path(__file__).resolve().parents[2]
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
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUCHIKOMI_")}
    env.update(
        PYTHONPATH=str(ROOT),
        KUCHIKOMI_SECRET_KEY="x",
        KUCHIKOMI_DATABASE_URL=database_url,
        KUCHIKOMI_STORAGE_BACKEND="memory",
        KUCHIKOMI_REDIS_URL=f"redis://127.0.0.1:{closed_loopback_port()}/0",
        KUCHIKOMI_TICK_SECONDS="1",
    )
    log = tmp_path / "worker.log"
    with log.open("w") as stderr:
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", str(ROOT / "wsgi.py"), "jobs", "worker"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        for _ in range(1200):  # until it ran and deleted the row and said why it waits (or it exits, or
            # two minutes pass): the row goes just after the job's file appears, so the file alone is early
            if worker.poll() is not None or (
                marker.exists() and "Redis is unreachable" in log.read_text() and not rows_left(app)
            ):
                break
            time.sleep(0.1)
        assert worker.poll() is None, log.read_text()[-2000:]
        assert marker.read_text() == "ran"
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    with app.app_context():
        assert db.session.query(outbox.OutboxJob).count() == 0
