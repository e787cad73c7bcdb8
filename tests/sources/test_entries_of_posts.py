"""What a collected post is among entries: one per post ever (two pollers at once), never public without
a grant, one person per network account in the draw, and gone everywhere once deleted on the network."""

import threading

import pytest
from sqlalchemy import func, select

from campaign import jobs
from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.draws import participants
from campaign.entries.models import Entry, EntryStatus
from campaign.entries.publication import shown_publicly
from campaign.extensions import db
from campaign.moderation.services import transition
from campaign.orgs.models import Membership
from campaign.sources.poll import poll_source
from campaign.sources.removal import recheck_all
from campaign.storage import get_storage


def count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Entry))


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_pollers_at_the_same_moment_collect_a_post_once(app, brand):
    """A hashtag source and a tags source find the same post; their polls run in two threads at once."""
    shared = brand.ig_post("77", username="hanako_tea")
    brand.hashtag_posts(shared)
    brand.state.ig_tags = [shared]
    sources = [brand.source("instagram_hashtag", "greentea").id, brand.source("instagram_tags").id]
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def poll(source_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                outcomes.append(poll_source(source_id))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=poll, args=(s,)) for s in sources]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and outcomes == ["polled", "polled"]
    assert count() == 1
    assert len([o for o in get_storage().iter_objects("private/originals/")]) == 1  # the loser's copy deleted


def test_the_same_post_is_collected_once_by_two_sources_one_after_the_other(brand):
    shared = brand.ig_post("77", username="hanako_tea")
    brand.hashtag_posts(shared)
    brand.state.ig_tags = [shared]
    poll_source(brand.source("instagram_hashtag", "greentea").id)
    poll_source(brand.source("instagram_tags").id)
    assert count() == 1


def _approve(entry: Entry) -> None:
    owner = db.session.scalar(select(Membership).where(Membership.org_id == entry.org_id))
    transition(entry, "approve", actor=Actor.system(), membership=owner, now=utcnow())
    db.session.commit()


def _owner(brand):
    from tests import factories

    account = factories.member(brand.org, "owner@example.com")
    return account


def test_an_approved_post_without_a_grant_is_never_public(brand):
    _owner(brand)
    brand.hashtag_posts(brand.ig_post("1"))
    poll_source(brand.source("instagram_hashtag", "greentea").id)
    jobs.run_ready()
    entry = db.session.scalar(select(Entry))
    _approve(entry)
    assert entry.status is EntryStatus.APPROVED and not shown_publicly(entry)
    assert list(get_storage().iter_objects("public/")) == []


def test_a_post_deleted_upstream_leaves_every_public_surface(brand):
    _owner(brand)
    brand.tweet("1001")
    source = brand.source("x_search")
    poll_source(source.id)
    jobs.run_ready()
    entry = db.session.scalar(select(Entry))
    entry.consent.scopes = ["gallery"]  # as a rights grant would (issue 12, the rights half)
    _approve(entry)
    assert shown_publicly(entry) and list(get_storage().iter_objects("public/"))
    brand.state.tweets[0]["deleted"] = True
    assert recheck_all() == 1
    jobs.run_ready()  # the purge of the public copies, after the commit
    db.session.expire_all()
    entry = db.session.scalar(select(Entry))
    assert entry.removed_upstream_at is not None and entry.status is EntryStatus.WITHDRAWN
    assert not shown_publicly(entry) and list(get_storage().iter_objects("public/")) == []
    assert recheck_all() == 0  # asked once: a removed post is not asked again


def test_an_instagram_post_gone_on_recheck_is_marked(brand):
    brand.hashtag_posts(brand.ig_post("1"), brand.ig_post("2"))
    poll_source(brand.source("instagram_hashtag", "greentea").id)
    brand.state.ig_media = {}  # deleted: the media node answers error 100, subcode 33
    assert recheck_all() == 2
    assert {e.removed_upstream_at is not None for e in db.session.scalars(select(Entry))} == {True}


def test_posts_are_one_participant_per_network_account_and_join_an_upload_naming_the_handle(brand, app):
    brand.tweet("1001", author="Hanako")
    brand.tweet("1002", author="hanako")
    brand.tweet("1003", author="taro")
    brand.hashtag_posts(brand.ig_post("1"), brand.ig_post("2"))  # anonymous hashtag results
    poll_source(brand.source("x_search").id)
    poll_source(brand.source("instagram_hashtag", "greentea").id)
    tokens = {e.network_post_id: e.participant_token for e in db.session.scalars(select(Entry))}
    assert tokens["1001"] == tokens["1002"] != tokens["1003"]  # one X account, one participant
    assert tokens["1"] != tokens["2"]  # no username: each post its own participant until a grant names it
    hanako = db.session.scalar(select(Entry).where(Entry.network_post_id == "1001"))
    assert hanako.social_account == "x:hanako"
    # an upload naming @hanako on X shares the social account, so the draw joins the two tokens
    upload_account = participants.social_account("@Hanako", "https://x.com/hanako/status/1001")
    upload_token = participants.token(
        participants.key_for(app.secret_key, brand.campaign.public_id), "h@a.jp"
    )
    joined = participants.joined(
        [(hanako.social_account, hanako.participant_token), (upload_account, upload_token)]
    )
    assert set(joined.values()) == {min(upload_token, hanako.participant_token)}


def test_a_post_deleted_upstream_is_recorded_as_such_not_as_the_customers_withdrawal(brand, client):
    from campaign.audit.models import AuditEvent
    from tests import factories
    from tests.conftest import Studio

    _owner(brand)
    brand.tweet("1001")
    poll_source(brand.source("x_search").id)
    jobs.run_ready()
    entry = db.session.scalar(select(Entry))
    _approve(entry)
    brand.state.tweets[0]["deleted"] = True
    assert recheck_all() == 1
    db.session.expire_all()
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.actor_kind.value) == ("entry.removed_upstream", "system")
    assert event.after["withdrawn_by"] == "network" and event.after["status"] == "withdrawn"
    assert not db.session.scalar(select(func.count()).where(AuditEvent.action == "entry.withdraw"))

    studio = Studio(client)
    assert studio.login("owner@example.com", factories.PASSWORD).status_code == 302
    page = client.get(f"/studio/entries/{entry.public_id}?lang=ja").text
    assert "投稿元で削除されました" in page and "お客様により取り下げ済み" not in page
    assert "投稿元（SNS）で削除" in page and "応募を取り下げ" not in page  # its audit trail


def test_the_recheck_goes_round_every_post_of_a_source_not_the_same_first_batch(brand):
    """RECHECK_BATCH (300) always picked the same first posts (approved first, by id): a source with more
    live posts never asked about the rest, and a post deleted among them stayed public."""
    for n in range(1, 4):
        brand.tweet(f"100{n}")
    poll_source(brand.source("x_search").id)
    assert recheck_all(batch=2) == 0  # two of the three asked
    brand.state.tweets[[t["id"] for t in brand.state.tweets].index("1003")]["deleted"] = True
    assert recheck_all(batch=2) == 1  # the one never asked comes first now
    gone = db.session.scalar(select(Entry).where(Entry.network_post_id == "1003"))
    assert gone.removed_upstream_at is not None


def test_a_recheck_stopped_by_a_rate_limit_keeps_the_deletions_it_found(brand):
    """Graph answers one post at a time: a limit reached part-way threw away the deletions found before it."""
    brand.hashtag_posts(brand.ig_post("1"), brand.ig_post("2"), brand.ig_post("3"))
    poll_source(brand.source("instagram_hashtag", "greentea").id)
    brand.state.ig_media = {}  # all three deleted
    brand.state.graph_error = {"code": 4, "message": "Application request limit reached"}
    brand.state.graph_answers_before_error = 2
    assert recheck_all() == 2  # the two answered before the limit
    brand.state.graph_error = None
    assert recheck_all() == 1  # the third, at the next run
    assert {e.removed_upstream_at is not None for e in db.session.scalars(select(Entry))} == {True}
