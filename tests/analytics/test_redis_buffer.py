"""With Redis configured, every web process's beacons wait in one Redis list and the rollup duty writes
them: nothing is lost when a flush dies halfway, and the duty run twice counts nothing twice."""

from datetime import UTC, datetime

import pytest
from redis import Redis

from campaign.analytics import duties
from campaign.analytics.buffer import REDIS_KEY, RedisBuffer
from tests.analytics.helpers import SHOP, beacon, embed, totals
from tests.redis_dbs import own_redis_url

URL = own_redis_url(7)  # 7 or 6 (9 or 8 is the scale-out test's: gw1's 8 met gw0's here)


@pytest.fixture
def redis_buffer(app):
    redis = Redis.from_url(URL)
    redis.flushdb()
    previous = app.extensions["analytics_buffer"]
    app.extensions["analytics_buffer"] = RedisBuffer(app, URL, thread=False)
    yield redis
    app.extensions["analytics_buffer"] = previous
    redis.flushdb()


def test_beacons_wait_in_redis_until_the_duty_writes_them(app, client, brand, redis_buffer):
    photo = brand.approved()
    gallery = brand.gallery(allowed_origins=SHOP)
    for _ in range(3):
        assert (
            beacon(client, embed(gallery.public_id, {"k": "impression", "ps": [photo.public_id]})).status_code
            == 204
        )
    assert redis_buffer.llen(REDIS_KEY) == 1 + 3  # the customer's visit of the campaign page, 3 beacons
    # A flusher that died after taking the list: its renamed list is finished by the next run.
    redis_buffer.rename(REDIS_KEY, f"{REDIS_KEY}:flushing:dead")
    beacon(client, embed(gallery.public_id, {"k": "impression", "ps": [photo.public_id]}))
    now = datetime.now(UTC)
    summary = duties.rollup(now)
    assert summary.startswith("9 events written")  # the visit, and 4 impressions with a photo in sight each
    assert duties.rollup(now).startswith("0 events written")  # again: nothing new, the same rollups
    assert totals(gallery_id=gallery.id)["impressions"] == 4
    assert totals(gallery_id=gallery.id)["views"] == 4
    assert not list(redis_buffer.scan_iter(f"{REDIS_KEY}*"))


def test_with_redis_down_a_beacon_waits_in_the_process(app, client, brand):
    """Redis unreachable, a beacon (or a counted visit: tests/jobs/test_outbox.py's uploads with Redis down
    open the campaign page) is answered and waits in this process for the next flush."""
    photo = brand.approved()
    gallery = brand.gallery(allowed_origins=SHOP)
    previous = app.extensions["analytics_buffer"]
    app.extensions["analytics_buffer"] = down = RedisBuffer(app, "redis://127.0.0.1:1/0", thread=False)
    try:
        sent = beacon(client, embed(gallery.public_id, {"k": "impression", "ps": [photo.public_id]}))
        assert sent.status_code == 204
        assert len(down.fallback.items) == 1
        assert down.fallback.flush() == 2  # the impression and its photo in sight (its thread, in production)
    finally:
        app.extensions["analytics_buffer"] = previous
    duties.rollup(datetime.now(UTC))
    assert totals(gallery_id=gallery.id)["impressions"] == 1
