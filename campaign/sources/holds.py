"""Approved collected posts held off public surfaces while their network cannot be asked about them.

A connection whose token the network refuses (`connectors.expiry`) stops the rechecks that take a post its
creator deleted off our galleries and reviews (`sources.removal`). X's developer policy gives 24 hours to
honour a deletion, and Instagram's posts are held to the same. A post deleted just after its last check
would have been asked about within its network's PUBLIC_EVERY; so once a connection has been refused for
24 hours less that and the duty's period (`hold_after`: 20 h 45 min for X, 22 h 45 min for Instagram), each
approved post of its network leaves every public surface, reversibly: `held_at` set, public copies purged
after the commit, galleries rebuilt and its review withdrawn (the takedown path's own signal), audited
`entry.held` by the system. It stays approved, with its consent or rights.

Reconnecting does not show them again at once: the recheck asks about held posts first, and each the network
still has comes back (`release`: copied to public again, its review restored, audited `entry.released`); one
it no longer has is withdrawn as deleted (`removal.mark_removed`), never shown again.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from campaign import events
from campaign.audit.services import Actor, record_for_entry
from campaign.connectors.expiry import unchecked_posts
from campaign.connectors.models import ConnectorAccount
from campaign.entries.models import Entry, EntryStatus
from campaign.entries.publication import PublishFailed, publish, shown_publicly, unpublish
from campaign.extensions import db
from campaign.locks import lock_row
from campaign.sources.removal import PUBLIC_EVERY, RECHECK_EVERY
from campaign.storage import get_storage

DELETION_WINDOW = timedelta(hours=24)
HELD = "entry.held"  # audit actions (audit.labels)
RELEASED = "entry.released"


def hold_after(network: str) -> timedelta:
    """How long a refused connection's approved posts stay public, unchecked."""
    return DELETION_WINDOW - PUBLIC_EVERY[network] - RECHECK_EVERY


def held_from(account: ConnectorAccount) -> datetime:
    """When a refused connection's approved posts leave public surfaces, unless it is reconnected first."""
    return account.refused_at + hold_after(account.network)


def hold_due(entry: Entry) -> datetime | None:
    """When this approved collected post will be held unless its connection is renewed first; None when no
    hold is coming (not collected, not approved, held already, or its connection answers)."""
    from campaign.connectors.services import account_of

    if not _holdable(entry) or entry.network not in PUBLIC_EVERY:
        return None
    account = account_of(entry.org_id, entry.network)
    return held_from(account) if account is not None and account.refused_at is not None else None


def _holdable(entry: Entry) -> bool:
    """Approved, not held already, not deleted on its network: what a hold takes off public surfaces."""
    return entry.status is EntryStatus.APPROVED and entry.held_at is None and not entry.removed_upstream_at


def hold_unchecked(*, now: datetime) -> int:
    """The duty: holds the approved posts of every connection refused for `hold_after`; how many. Each post
    is committed on its own, under its row's lock; one held already is left alone (two schedulers at once
    hold it once)."""
    accounts = db.session.scalars(select(ConnectorAccount).where(ConnectorAccount.refused_at.is_not(None)))
    due = [account for account in accounts if held_from(account) <= now]
    held = 0
    for account in due:
        detail = account.refused_detail[:500]
        for entry_id in db.session.scalars(unchecked_posts(account).where(Entry.held_at.is_(None))).all():
            held += _hold(db.session.get(Entry, entry_id), account.network, detail, now)
            db.session.commit()
    return held


def _hold(entry: Entry, network: str, detail: str, now: datetime) -> bool:
    entry = lock_row(entry)
    if not _holdable(entry):
        return False
    was_shown = shown_publicly(entry)
    entry.held_at = now
    db.session.flush()
    after = {"held": True, "network": network, "was_public": was_shown}
    record_for_entry(Actor.system(), HELD, entry, now=now, reason=detail, after=after)
    if was_shown:
        unpublish(entry)
        events.entry_unpublished.send(entry, reason="entry held")
    return True


def release(entry: Entry, *, now: datetime) -> None:
    """The network still has the held post: it is shown again where it was (flushes; the caller commits).
    PublishFailed when storage does not answer: it stays held, for the next recheck to try again."""
    since = entry.held_at
    entry.held_at = None
    if shown_publicly(entry):
        try:
            publish(entry, get_storage())
        except PublishFailed:
            entry.held_at = since
            raise
    db.session.flush()
    before = {"held": True, "since": since.isoformat()}
    record_for_entry(Actor.system(), RELEASED, entry, now=now, before=before, after={"held": False})
    if entry.status is EntryStatus.APPROVED:
        events.entry_published.send(entry, released=True)
