"""Approved posts of a connection the network refused for too long to honour a deletion in time leave every
public surface, reversibly, and come back one by one once a recheck after the reconnection finds them."""

from datetime import timedelta

from sqlalchemy import select

from campaign import jobs
from campaign.audit.models import AuditEvent
from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.connectors.services import account_of, configure
from campaign.entries.models import Entry, EntryStatus
from campaign.entries.publication import shown_publicly
from campaign.extensions import db
from campaign.moderation.services import transition
from campaign.orgs.models import Membership
from campaign.sources.holds import hold_after, hold_unchecked
from campaign.sources.poll import poll_source
from campaign.sources.removal import recheck_all
from campaign.storage import get_storage
from tests import factories
from tests.conftest import Studio
from tests.sources.conftest import BRAND_X_ID


def public_x_posts(brand) -> list[Entry]:
    """Two posts collected from X, granted for the gallery and approved: public."""
    factories.member(brand.org, "owner@example.com")
    brand.tweet("1001")
    brand.tweet("1002", author="taro")
    poll_source(brand.source("x_search").id)
    jobs.run_ready()
    owner = db.session.scalar(select(Membership).where(Membership.org_id == brand.org.id))
    entries = list(db.session.scalars(select(Entry).order_by(Entry.network_post_id)))
    for entry in entries:
        entry.consent.scopes = ["gallery"]  # as a rights grant would
        db.session.flush()  # before the transition's lock re-reads the row
        transition(entry, "approve", actor=Actor.system(), membership=owner, now=utcnow())
    db.session.commit()
    assert all(shown_publicly(e) for e in entries) and list(get_storage().iter_objects("public/"))
    return entries


def public_objects() -> list:
    return list(get_storage().iter_objects("public/"))


def actions(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_refused_connection_holds_its_posts_in_time_and_a_recheck_after_reconnecting_releases_them(
    brand, client
):
    kept, deleted = public_x_posts(brand)
    brand.state.revoke_x_token()
    refused = utcnow()
    recheck_all(now=refused)  # meets the refusal: the connection is marked
    assert account_of(brand.org.id, "x").needs_reconnection
    assert hold_after("x") == timedelta(hours=20, minutes=45)  # 24 h, less 3 h between rechecks and 15 min

    studio = Studio(client)
    assert studio.login("owner@example.com", factories.PASSWORD).status_code == 302
    connectors = client.get("/studio/connectors/?lang=ja").text
    assert 'id="held-x"' in connectors and "までに再連携されない場合、承認済みの投稿は" in connectors
    before = client.get(f"/studio/entries/{kept.public_id}?lang=ja").text  # the hold to come, and when
    assert 'id="hold-due"' in before and "までにオーナーが再連携しない場合" in before
    assert 'id="held"' not in before
    assert hold_unchecked(now=refused + hold_after("x") - timedelta(minutes=1)) == 0
    assert shown_publicly(kept) and public_objects()
    held_at = refused + hold_after("x")
    assert hold_unchecked(now=held_at) == 2
    jobs.run_ready()  # the purge of the public copies, after the commit
    db.session.expire_all()
    assert not public_objects() and not shown_publicly(kept) and not shown_publicly(deleted)
    assert {e.status for e in (kept, deleted)} == {EntryStatus.APPROVED}  # nothing else changes
    assert [e.actor_kind.value for e in actions("entry.held")] == ["system", "system"]
    assert hold_unchecked(now=held_at + timedelta(minutes=15)) == 0  # held once

    page = client.get(f"/studio/entries/{kept.public_id}?lang=ja").text
    assert 'id="held"' in page and "X との連携の有効期限が切れ" in page and 'id="hold-due"' not in page
    assert "再連携まで非公開" in client.get("/studio/moderation/?state=approved&lang=ja").text

    brand.state.tweets[1]["deleted"] = True  # its creator deleted one meanwhile
    back = held_at + timedelta(hours=2)
    token = brand.state.x_bearer_token
    configure(
        brand.org.id,
        "x",
        account_id=BRAND_X_ID,
        token=token,
        secret=client.application.secret_key,
        actor=Actor.system(),
        now=back,
        base_url=brand.apis.url,
    )
    db.session.commit()
    assert not public_objects()  # reconnecting alone shows nothing again
    assert recheck_all(now=back) == 1
    jobs.run_ready()
    db.session.expire_all()
    assert kept.held_at is None and shown_publicly(kept) and public_objects()
    assert deleted.removed_upstream_at is not None and deleted.status is EntryStatus.WITHDRAWN
    assert not shown_publicly(deleted)
    (released,) = actions("entry.released")
    assert released.object_id == kept.public_id and released.after == {"held": False}


def test_a_connection_reconnected_in_time_holds_nothing(brand, client):
    kept, _ = public_x_posts(brand)
    brand.state.revoke_x_token()
    refused = utcnow()
    recheck_all(now=refused)
    configure(
        brand.org.id,
        "x",
        account_id=BRAND_X_ID,
        token=brand.state.x_bearer_token,
        secret=client.application.secret_key,
        actor=Actor.system(),
        now=refused + timedelta(hours=1),
        base_url=brand.apis.url,
    )
    db.session.commit()
    assert hold_unchecked(now=refused + timedelta(days=2)) == 0
    assert shown_publicly(kept) and actions("entry.held") == []


def test_the_connection_page_says_the_posts_are_hidden_once_the_time_has_come(brand, client):
    public_x_posts(brand)
    account = account_of(brand.org.id, "x")
    account.refused_at, account.refused_detail = utcnow() - hold_after("x"), "API error 401: Unauthorized"
    db.session.commit()
    assert Studio(client).login("owner@example.com", factories.PASSWORD).status_code == 302
    page = client.get("/studio/connectors/?lang=ja").text
    assert "承認済みの投稿は、再連携するまでギャラリーとレビューで非公開になっています" in page
