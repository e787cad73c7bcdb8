"""A pass that stops early (rate limit headers, usage headers, MAX_PAGES) loses nothing: the cursor moves to
the newest post only once every older post down to the old cursor is read; the next pass goes on where the
last one stopped, and reading a post twice makes no second entry."""

from datetime import timedelta

from sqlalchemy import func, select

from campaign.clock import utcnow
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.sources import networks
from campaign.sources.poll import poll_source
from tests.sources.conftest import HASHTAG_ID


def collected_ids() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(Entry.network_post_id)))


def test_x_posts_older_than_a_rate_limited_first_page_are_collected_after_the_reset(brand):
    for n in range(1, 131):
        brand.tweet(str(10_000 + n))
    brand.state.x_remaining = 0  # the first page's answer says the window is spent
    source = brand.source("x_search")
    poll_source(source.id)
    db.session.refresh(source)
    assert source.collected == 100 and source.error_code == "rate_limited"
    assert source.cursor.get("since_id") is None  # not the newest post: 30 older ones are still unread

    brand.state.x_remaining = 14
    brand.tweet("10131")  # a new post during the wait
    assert poll_source(source.id, now=source.next_poll_at + timedelta(seconds=1)) == "polled"
    assert brand.state.queries[-1]["until_id"] == "10031"  # below the oldest post read
    assert collected_ids() == {str(10_000 + n) for n in range(1, 131)}
    db.session.refresh(source)
    assert source.cursor == {"since_id": "10130"} and source.error_code == ""

    poll_source(source.id, now=utcnow() + timedelta(hours=1))  # the new post, by since_id
    assert brand.state.queries[-1]["since_id"] == "10130" and "until_id" not in brand.state.queries[-1]
    assert len(collected_ids()) == 131
    db.session.refresh(source)
    assert source.cursor == {"since_id": "10131"} and source.collected == 131


def test_x_posts_beyond_max_pages_are_read_by_the_next_passes(brand, monkeypatch):
    monkeypatch.setattr(networks, "X_PAGE", 10)
    monkeypatch.setattr(networks, "MAX_PAGES", 2)
    for n in range(1, 46):
        brand.tweet(str(20_000 + n))
    source = brand.source("x_search")
    later = utcnow()
    for _ in range(3):
        later += timedelta(minutes=10)
        poll_source(source.id, now=later)
    assert collected_ids() == {str(20_000 + n) for n in range(1, 46)}
    db.session.refresh(source)
    assert source.cursor == {"since_id": "20045"} and source.collected == 45


def test_instagram_pages_left_by_usage_headers_are_read_from_where_the_pass_stopped(brand):
    brand.hashtag_posts(*[brand.ig_post(str(5000 - n)) for n in range(120)])  # three pages of 50
    brand.state.app_usage = 95  # near the limit: the pass stops after its first page
    source = brand.source("instagram_hashtag", "greentea")
    now = utcnow()
    poll_source(source.id, now=now)
    assert len(collected_ids()) == 50
    db.session.refresh(source)
    recent = source.cursor["recent"]
    assert "id" not in recent and recent["backlog"]["newest"]["id"] == "5000"

    brand.state.app_usage = 0
    brand.hashtag_posts(brand.ig_post("6000"))  # new while waiting: read once the backlog is done
    poll_source(source.id, now=now + timedelta(minutes=16))
    assert len(collected_ids()) == 120
    db.session.refresh(source)
    assert source.cursor["recent"]["id"] == "5000"
    poll_source(source.id, now=now + timedelta(minutes=30))
    assert "6000" in collected_ids() and db.session.scalar(select(func.count()).select_from(Entry)) == 121
    assert brand.state.requests[-1] == f"/graph/{HASHTAG_ID}/recent_media"


def test_instagram_pages_beyond_max_pages_are_read_by_the_next_passes(brand, monkeypatch):
    monkeypatch.setattr(networks, "MAX_PAGES", 1)
    brand.hashtag_posts(*[brand.ig_post(str(7000 - n)) for n in range(120)])
    source = brand.source("instagram_hashtag", "greentea")
    later = utcnow()
    for _ in range(3):
        later += timedelta(minutes=10)
        poll_source(source.id, now=later)
    assert len(collected_ids()) == 120
    db.session.refresh(source)
    assert source.cursor["recent"] == {"id": "7000", "at": source.cursor["recent"]["at"]}
