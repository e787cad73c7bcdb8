"""A connection whose token the network refuses (expired, revoked): marked on the connection, its owners
mailed once, audited, nothing read with it until it is reconnected; and how often deleted posts are asked
about."""

from datetime import timedelta

from sqlalchemy import func, select

from campaign import jobs, schedule
from campaign.audit.models import AuditEvent
from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.connectors import expiry
from campaign.connectors.models import ConnectorAccount
from campaign.connectors.services import account_of, configure
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.orgs.models import Role
from campaign.sources import removal
from campaign.sources.poll import poll_source
from campaign.sources.removal import recheck_all
from tests import factories
from tests.sources.conftest import IG_USER


def _account(brand, network: str = "instagram") -> ConnectorAccount:
    db.session.expire_all()
    return account_of(brand.org.id, network)


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _members(brand):
    owner = factories.member(brand.org, "owner@example.com")
    factories.member(brand.org, "editor@example.com", Role.EDITOR)
    return owner


def test_an_expired_instagram_token_marks_the_connection_and_mails_its_owners_once(brand, smtp_server):
    _members(brand)
    brand.hashtag_posts(brand.ig_post("1"))
    hashtag = brand.source("instagram_hashtag", "greentea")
    tags = brand.source("instagram_tags")
    brand.state.expire_ig_token()
    now = utcnow()
    assert poll_source(hashtag.id, now=now) == "failed"
    jobs.run_ready()
    account = _account(brand)
    assert account.needs_reconnection and account.refused_at == now
    assert "Session has expired" in account.refused_detail
    (mail,) = smtp_server.messages  # the owner only: an editor cannot reconnect
    assert mail["To"] == "owner@example.com"
    assert mail["Subject"] == "Instagramを再連携してください：接続の有効期限が切れました"
    text = mail.get_content()
    assert "/studio/connectors/#instagram" in text and "削除" in text
    (event,) = _events("connector.expired")
    assert (event.object_id, event.actor_kind.value, event.after["needs_reconnection"]) == (
        "instagram",
        "system",
        True,
    )
    # the next polls, of this source and another on the same account, and the recheck: no API call, no mail
    asked = len(brand.state.requests)
    later = now + timedelta(minutes=5)
    assert poll_source(hashtag.id, now=later) == "failed"
    assert poll_source(tags.id, now=later) == "failed"
    assert recheck_all(now=later) == 0
    jobs.run_ready()
    assert len(brand.state.requests) == asked
    assert len(smtp_server.messages) == 1 and len(_events("connector.expired")) == 1
    db.session.refresh(tags)
    assert tags.error_code == "reconnect_needed"


def test_a_second_refusal_of_a_marked_connection_changes_nothing(brand, smtp_server):
    """Two schedulers (or a retry) meeting the same refusal: only the first marks, audits and mails."""
    _members(brand)
    account = _account(brand)
    now = utcnow()
    assert expiry.token_refused(account, "Graph API error 190", now=now) is True
    db.session.commit()
    again = now + timedelta(minutes=1)
    assert expiry.token_refused(_account(brand), "Graph API error 190", now=again) is False
    db.session.commit()
    jobs.run_ready()
    assert len(smtp_server.messages) == 1 and len(_events("connector.expired")) == 1
    assert _account(brand).refused_at == now


def test_reconnecting_clears_the_mark_and_polls_read_again(brand, app, smtp_server):
    _members(brand)
    brand.hashtag_posts(brand.ig_post("1"))
    source = brand.source("instagram_hashtag", "greentea")
    brand.state.expire_ig_token()
    now = utcnow()
    poll_source(source.id, now=now)
    brand.state.ig_token_refused = None
    brand.state.ig_access_token = "ig-token-new"  # noqa: S105 - the owner logs in again
    configure(
        brand.org.id,
        "instagram",
        account_id=IG_USER,
        token="ig-token-new",  # noqa: S106
        secret=app.secret_key,
        actor=Actor.system(),
        now=now,
        base_url=brand.apis.graph_url,
    )
    db.session.commit()
    assert not _account(brand).needs_reconnection and _account(brand).refused_detail == ""
    assert len(_events("connector.restored")) == 1
    assert poll_source(source.id, now=now + timedelta(minutes=5)) == "polled"
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 1


def test_a_revoked_x_token_met_by_the_recheck_marks_the_x_connection(brand, smtp_server):
    _members(brand)
    brand.tweet("1001")
    poll_source(brand.source("x_search").id)
    brand.state.revoke_x_token()
    assert recheck_all() == 0
    jobs.run_ready()
    assert _account(brand, "x").needs_reconnection and not _account(brand).needs_reconnection
    (mail,) = smtp_server.messages
    assert "X" in mail["Subject"] and "401" in mail.get_content()


def test_an_x_403_is_not_an_expired_token(brand):
    """X's 403 is the app's plan or access level: reconnecting would not help, so no mark."""
    from tests.fixtures.social_apis import Handler

    brand.tweet("1001")
    source = brand.source("x_search")
    original = Handler._x

    def forbidden(self, path, query):
        body = {"title": "Forbidden", "type": "about:blank", "status": 403, "detail": "Forbidden"}
        return self._send(403, body)

    Handler._x = forbidden
    try:
        assert poll_source(source.id) == "failed"
    finally:
        Handler._x = original
    assert not _account(brand, "x").needs_reconnection


def test_approved_posts_are_asked_more_often_than_the_others(brand):
    """Approved X posts every 3 hours ($0.005 a post read), Instagram's every hour (free within its
    limits), the rest every 6 hours."""
    assert {"instagram": timedelta(hours=1), "x": timedelta(hours=3)} == removal.PUBLIC_EVERY
    brand.tweet("1001")
    brand.tweet("1002")
    poll_source(brand.source("x_search").id)
    jobs.run_ready()  # processed: approvable
    approved = db.session.scalar(select(Entry).where(Entry.network_post_id == "1001"))
    factories.member(brand.org, "owner@example.com")
    from tests.sources.test_entries_of_posts import _approve

    _approve(approved)
    start = utcnow()
    recheck_all(now=start)  # both asked
    for tweet in brand.state.tweets:
        tweet["deleted"] = True
    assert recheck_all(now=start + timedelta(minutes=45)) == 0  # neither due yet
    assert recheck_all(now=start + removal.PUBLIC_EVERY["x"]) == 1  # the approved one, 3 hours on
    assert db.session.get(Entry, approved.id).removed_upstream_at is not None
    assert recheck_all(now=start + timedelta(hours=5)) == 0  # the queued one: not yet
    assert recheck_all(now=start + removal.QUEUE_EVERY) == 1
    (duty,) = [d for d in schedule.registered() if d.name == "sources-recheck"]
    assert duty.every == removal.RECHECK_EVERY == timedelta(minutes=15)


def test_the_recheck_stops_when_graph_usage_nears_its_limit(brand):
    """The polls share the account's budget: a recheck that used it up would stop collection."""
    brand.hashtag_posts(brand.ig_post("1"), brand.ig_post("2"), brand.ig_post("3"))
    source = brand.source("instagram_hashtag", "greentea")
    poll_source(source.id)
    brand.state.app_usage = 95
    asked = len(brand.state.requests)
    now = utcnow()
    assert recheck_all(now=now) == 0
    assert len(brand.state.requests) == asked + 1  # the first answer said the usage is near the limit
    checked = db.session.scalars(select(Entry.upstream_checked_at).where(Entry.source_id == source.id))
    assert sorted(c is not None for c in checked) == [False, False, True]
    brand.state.app_usage = 10
    assert recheck_all(now=now + removal.RECHECK_EVERY) == 0
    assert len(brand.state.requests) == asked + 3  # the other two, at the next run
