"""Redis databases that tests empty and work on: one per xdist worker, so the SQLite and PostgreSQL runs of
one test, on two workers at once, never empty or take each other's queue."""

import os


def own_redis_url(base: int) -> str:
    """`redis://…/<base - n>` for xdist worker gwN (`base` outside xdist); the suite runs 2 workers."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return f"redis://127.0.0.1:6379/{base - int(worker.removeprefix('gw'))}"
