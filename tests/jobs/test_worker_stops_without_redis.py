"""A deploy stops `flask jobs worker` (systemd's SIGTERM) whether Redis answers or not. A worker that lost
Redis said "warm shut down requested" and ran on (20 s, 65 s, 4 minutes in a fault probe) until a second
SIGTERM: the reconnect loop dropped RQ's worker, and the stop request with it, and built a new one, which
took jobs again once Redis was back."""

import contextlib
import re
import signal
import subprocess

import pytest
from redis import Redis

from tests.fixtures.fault_proxy import FaultProxy
from tests.jobs.workers import running_worker, wait_for
from tests.redis_dbs import own_redis_url

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
REDIS_URL = own_redis_url(4)  # 4 or 3
STOPS_WITHIN = 15  # seconds


@pytest.fixture
def redis_proxy():
    """Redis behind a proxy that can hang up on the worker and refuse it, as a Redis down does."""
    proxy = FaultProxy(6379)
    proxy._thread.start()
    yield proxy
    proxy.close()


def through(proxy: FaultProxy) -> str:
    return REDIS_URL.replace(":6379/", f":{proxy.port}/")


def stop(worker, log) -> None:
    worker.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.wait(timeout=STOPS_WITHIN)
    assert worker.poll() == 0, log.read_text()[-3000:]  # stopped of itself, not killed by the signal
    assert "stopping, as asked" in log.read_text()


def idle(log, redis: Redis) -> bool:
    """RQ's worker waits for a job (it tells Redis, then blocks on the queue)."""
    name = re.search(r"Worker (\w+): started", log.read_text())
    return name is not None and redis.hget(f"rq:worker:{name[1]}", "state") == b"idle"


def test_a_worker_that_lost_redis_stops_on_sigterm(database_url, tmp_path, redis_proxy):
    with running_worker(database_url, through(redis_proxy), tmp_path) as (worker, log):
        wait_for(worker, lambda: idle(log, Redis.from_url(REDIS_URL)))
        assert worker.poll() is None and idle(log, Redis.from_url(REDIS_URL)), log.read_text()[-3000:]
        redis_proxy.set_mode("refuse")
        # RQ's own reconnect loop, where the probe's SIGTERMs came
        wait_for(worker, lambda: "could not connect to Redis instance" in log.read_text())
        assert worker.poll() is None, log.read_text()[-3000:]
        stop(worker, log)


def test_a_worker_started_while_redis_is_down_stops_on_sigterm(database_url, tmp_path, redis_proxy):
    redis_proxy.set_mode("refuse")
    with running_worker(database_url, through(redis_proxy), tmp_path) as (worker, log):
        wait_for(worker, lambda: "ticking without it" in log.read_text())
        assert worker.poll() is None, log.read_text()[-3000:]
        stop(worker, log)
