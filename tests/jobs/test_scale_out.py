"""bench/load.py in small: two gunicorn servers, two RQ workers (one SIGKILLed with its job mid-photo),
PostgreSQL, SeaweedFS and Redis, and concurrent uploads over both servers; nothing lost, duplicated, left
over or processed twice. Issue 14: nothing had ever run on more than one app process."""

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.redis_dbs import own_redis_url

ROOT = Path(__file__).resolve().parents[2]


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_uploads_over_two_servers_survive_a_killed_worker_exactly_once():
    bench = load_bench()
    redis_db = int(own_redis_url(9).rsplit("/", 1)[1])  # 9 or 8
    lines: list[str] = []
    outcome = bench.run(
        12, redis_db=redis_db, say=lines.append, kill_after=2, lease=30, processing_timeout=240
    )

    assert outcome.killed, lines  # a worker and its job horse were SIGKILLed while deriving a photo
    assert outcome.killed_job
    assert outcome.accepted == 12 and outcome.entries == 12, lines
    assert outcome.lost == [] and outcome.duplicated == [] and outcome.unprocessed == []
    assert outcome.processed_count == 12  # committed once per entry, the killed job's entry included
    assert outcome.orphans == [] and outcome.missing_objects == []
    assert outcome.outbox_left == 0
    assert outcome.problems == []
    assert len(outcome.accept_ms) == 12 and len(outcome.raw_put_ms) == 24
