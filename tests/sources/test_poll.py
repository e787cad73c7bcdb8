"""Polling sources against the fake Graph and X APIs: what becomes an entry, cursors, rate limits."""

from datetime import timedelta

from sqlalchemy import func, select

from campaign import jobs
from campaign.clock import utcnow
from campaign.entries.models import Entry, Processing
from campaign.extensions import db
from campaign.sources.poll import poll_all, poll_source
from tests.sources.conftest import HASHTAG_ID


def entries() -> list[Entry]:
    db.session.expire_all()
    return list(db.session.scalars(select(Entry).order_by(Entry.network_post_id)))


def test_a_hashtag_post_becomes_an_anonymous_entry_with_no_consent(brand):
    carousel = brand.ig_post(
        "103",
        media_type="CAROUSEL_ALBUM",
        children=[
            {"id": "c1", "media_type": "VIDEO", "media_url": "https://example.invalid/v.mp4"},
            {"id": "c2", "media_type": "IMAGE", "media_url": brand.photo_url("c2.jpg")},
        ],
    )
    brand.hashtag_posts(brand.ig_post("104"), brand.ig_post("102", media_type="VIDEO"), carousel)
    source = brand.source("instagram_hashtag", "#GreenTea")
    assert poll_source(source.id) == "polled"
    jobs.run_ready()
    found = entries()
    assert [e.network_post_id for e in found] == [
        "103",
        "104",
    ]  # the video skipped, the carousel's photo kept
    post = found[1]
    assert (post.network, post.post_url, post.source_id) == (
        "instagram",
        "https://www.instagram.com/p/P104/",
        source.id,
    )
    assert post.social_handle == "" and post.email == "" and post.caption == "#greentea 美味しい"
    assert post.posted_at is not None and post.consent.scopes == []
    assert post.processing is Processing.READY and post.derivatives  # the upload pipeline derived it
    assert (
        post.participant_token and found[0].participant_token != post.participant_token
    )  # anonymous: one each
    db.session.refresh(source)
    assert source.collected == 2 and source.skipped == {"video": 1} and source.error_code == ""
    assert source.cursor["recent"]["id"] == "104"
    assert (
        "fields" in brand.state.queries[-1]
        and "children{media_type,media_url}" in brand.state.queries[-1]["fields"]
    )


def test_an_idle_poll_costs_one_page_however_many_posts_were_collected(brand):
    items = [brand.ig_post(str(5000 - n)) for n in range(120)]
    brand.hashtag_posts(*items)
    source = brand.source("instagram_hashtag", "greentea")
    poll_source(source.id)
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 120
    before = len(brand.state.requests)
    poll_source(source.id, now=utcnow() + timedelta(minutes=5))
    assert brand.state.requests[before:] == [f"/graph/{HASHTAG_ID}/recent_media"]  # one page, cursor reached
    brand.hashtag_posts(brand.ig_post("6000"))  # one new post: still one page
    poll_source(source.id, now=utcnow() + timedelta(minutes=10))
    assert len(brand.state.requests) == before + 2
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 121
    db.session.refresh(source)
    assert source.last_pages == 1


def test_x_search_uses_since_id_expansions_and_skips_the_brand_and_videos(brand):
    brand.tweet("1001", author="hanako")
    brand.tweet("1002", author="taro", photo=False)
    brand.tweet("1003", author="teabrand")
    source = brand.source("x_search")
    assert source.query == "(#greentea OR @teabrand) has:images -is:retweet"
    poll_source(source.id)
    found = entries()
    assert [(e.network, e.network_post_id, e.social_handle) for e in found] == [("x", "1001", "hanako")]
    assert found[0].post_url == "https://x.com/hanako/status/1001"
    query = brand.state.queries[-1]
    assert query["expansions"] == "attachments.media_keys,author_id" and query["media.fields"] == "url,type"
    db.session.refresh(source)
    assert source.cursor == {"since_id": "1003"} and source.skipped == {"own_post": 1}
    brand.tweet("1004", author="jiro")
    poll_source(source.id, now=utcnow() + timedelta(minutes=5))
    assert brand.state.queries[-1]["since_id"] == "1003"
    assert [e.network_post_id for e in entries()] == ["1001", "1004"]


def test_x_rate_limit_headers_pause_the_source_until_the_reset(brand):
    brand.tweet("1001")
    brand.state.x_remaining = 0
    source = brand.source("x_search")
    poll_source(source.id)
    db.session.refresh(source)
    assert source.collected == 1 and source.error_code == "rate_limited"
    resume = source.next_poll_at
    assert resume is not None and resume > utcnow()
    before = len(brand.state.requests)
    assert poll_source(source.id, now=resume - timedelta(seconds=1)) == "waiting"
    assert len(brand.state.requests) == before  # nothing asked before the reset
    brand.state.x_remaining = 14
    assert poll_source(source.id, now=resume + timedelta(seconds=1)) == "polled"
    db.session.refresh(source)
    assert source.next_poll_at is None and source.error_code == ""


def test_graph_rate_limit_errors_record_when_to_resume(brand):
    brand.hashtag_posts(brand.ig_post("1"))
    source = brand.source("instagram_hashtag", "greentea")
    brand.state.graph_error = {"code": 4, "message": "Application request limit reached"}
    brand.state.graph_regain_minutes = 30
    now = utcnow()
    assert poll_source(source.id, now=now) == "failed"
    db.session.refresh(source)
    assert source.error_code == "rate_limited" and source.next_poll_at == now + timedelta(minutes=30)
    brand.state.graph_error = None
    assert poll_source(source.id, now=now + timedelta(minutes=31)) == "polled"
    assert len(entries()) == 1


def test_graph_usage_near_the_limit_backs_off(brand):
    brand.hashtag_posts(brand.ig_post("1"))
    brand.state.app_usage = 95
    source = brand.source("instagram_hashtag", "greentea")
    now = utcnow()
    poll_source(source.id, now=now)
    db.session.refresh(source)
    assert source.collected == 1 and source.next_poll_at == now + timedelta(minutes=15)


def test_tags_source_reads_usernames_and_skips_the_brands_own_posts(brand):
    brand.state.ig_tags = [
        brand.ig_post("21", username="hanako_tea"),
        brand.ig_post("20", username="teabrand"),
    ]
    source = brand.source("instagram_tags")
    poll_all(campaign_id=brand.campaign.id)
    found = entries()
    assert [(e.network_post_id, e.social_handle) for e in found] == [("21", "hanako_tea")]
    db.session.refresh(source)
    assert source.skipped == {"own_post": 1}


def test_a_paused_source_is_not_polled(brand):
    brand.hashtag_posts(brand.ig_post("1"))
    source = brand.source("instagram_hashtag", "greentea")
    from campaign.audit.services import Actor
    from campaign.sources.models import SourceState
    from campaign.sources.services import set_state

    set_state(source, SourceState.PAUSED, actor=Actor.system(), now=utcnow())
    db.session.commit()
    assert poll_source(source.id) == "skipped" and brand.state.requests == []


def test_posts_outside_the_campaign_window_are_skipped(brand):
    old = brand.ig_post("1", timestamp=(utcnow() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S+0000"))
    brand.hashtag_posts(old)
    source = brand.source("instagram_hashtag", "greentea")
    poll_source(source.id)
    db.session.refresh(source)
    assert entries() == [] and source.skipped == {"outside_window": 1}


def test_the_sources_poll_command(brand, runner):
    brand.hashtag_posts(brand.ig_post("1"))
    brand.source("instagram_hashtag", "greentea")
    result = runner.invoke(args=["sources", "poll", "--campaign", brand.campaign.slug])
    assert result.exit_code == 0 and "1 polled" in result.output
    assert len(entries()) == 1
    missing = runner.invoke(args=["sources", "poll", "--campaign", "nope"])
    assert missing.exit_code != 0 and "no campaign" in missing.output


def test_the_poll_is_a_periodic_duty(brand):
    from campaign import schedule

    brand.hashtag_posts(brand.ig_post("1"))
    brand.source("instagram_hashtag", "greentea")
    results = schedule.tick()
    assert results["sources-poll"] == "1 polled"
    assert len(entries()) == 1
    assert "sources-poll" not in schedule.tick()  # not due again for 5 minutes (its lease says so)


def test_an_idle_poll_of_a_source_with_100000_collected_posts_reads_one_page(brand):
    """The posts and their entries exist already (rows inserted as an earlier pass would have left them)."""
    from sqlalchemy import insert

    stamp = "2026-12-03T09:00:00+0000"
    ids = [str(900_000 - n) for n in range(100_000)]  # newest first
    brand.state.ig_media[HASHTAG_ID] = [
        {"id": i, "media_type": "IMAGE", "permalink": f"https://www.instagram.com/p/{i}/", "timestamp": stamp}
        for i in ids
    ]
    source = brand.source("instagram_hashtag", "greentea")
    now = utcnow()
    db.session.execute(
        insert(Entry),
        [
            dict(
                public_id=f"bulk{i}",
                org_id=brand.org.id,
                campaign_id=brand.campaign.id,
                idempotency_key=f"instagram:{i}",
                rating=0,
                email="",
                email_normalised="",
                network="instagram",
                network_post_id=i,
                source_id=source.id,
                storage_backend="memory",
                original_key=f"private/originals/bulk/{i}.jpg",
                original_format="jpg",
                original_bytes=1,
                created_at=now,
            )
            for i in ids
        ],
    )
    source.cursor = {"recent": {"id": ids[0], "at": "2026-12-03T09:00:00+00:00"}}
    from campaign.sources.services import note_hashtag

    note_hashtag(brand.org.id, "greentea", now, HASHTAG_ID)  # the earlier pass looked the hashtag up
    db.session.commit()
    assert poll_source(source.id) == "polled"
    assert brand.state.requests == [f"/graph/{HASHTAG_ID}/recent_media"]
    brand.hashtag_posts(brand.ig_post("900001"))
    poll_source(source.id, now=utcnow() + timedelta(minutes=5))
    assert len(brand.state.requests) == 2
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 100_001


def test_a_first_x_pass_reads_every_page_then_an_idle_one_reads_one(brand):
    for n in range(230):
        brand.tweet(str(5000 + n), author=f"fan{n}")
    source = brand.source("x_search")
    poll_source(source.id)
    assert brand.state.requests.count("/2/tweets/search/recent") == 3  # 100 a page, `next_token`
    assert [q.get("next_token") for q in brand.state.queries] == [None, "100", "200"]
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 230
    poll_source(source.id, now=utcnow() + timedelta(minutes=5))
    assert brand.state.requests.count("/2/tweets/search/recent") == 4
