"""`flask jobs worker` as production runs it: a process of its own, its log in a file the test reads; and
RQ's in-process worker with the app's command thread."""

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from rq import SimpleWorker

from campaign.jobs import CommandChannel

ROOT = Path(__file__).resolve().parents[2]


class InProcessWorker(CommandChannel, SimpleWorker):
    """RQ's SimpleWorker (jobs run in the test's process), stopped as `flask jobs worker` is: RQ's own waited
    60 s for its command thread at the end of a burst when the thread read Redis's answer to UNSUBSCRIBE
    first (tests/jobs/test_worker_command_thread.py)."""


@contextlib.contextmanager
def running_worker(
    database_url: str, redis_url: str, folder: Path
) -> Iterator[tuple[subprocess.Popen, Path]]:
    """The worker process and the file its log goes to (a tick a second); stopped at the end if it runs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUCHIKOMI_")}
    env.update(
        PYTHONPATH=str(ROOT),
        KUCHIKOMI_SECRET_KEY="x",
        KUCHIKOMI_DATABASE_URL=database_url,
        KUCHIKOMI_STORAGE_BACKEND="memory",
        KUCHIKOMI_REDIS_URL=redis_url,
        KUCHIKOMI_TICK_SECONDS="1",
    )
    log = folder / "worker.log"
    with log.open("w") as stderr:
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", str(ROOT / "wsgi.py"), "jobs", "worker"],
            cwd=folder,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        yield worker, log
    finally:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=60)


def wait_for(worker: subprocess.Popen, done: Callable[[], bool], seconds: float = 120) -> None:
    """Until `done()`, or the worker exits, or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and worker.poll() is None and not done():
        time.sleep(0.1)
