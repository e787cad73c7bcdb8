"""Posts deleted on their network: asked again from time to time, marked `removed_upstream_at`, and taken
off every public surface by the moderation state machine's own withdrawal (final, as a customer withdraws
an upload: its public copies purged after the commit). The system records it, as `entry.removed_upstream`:
the network said the post is gone, which is not the customer withdrawing their entry."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.connectors import expiry
from campaign.connectors.base import ConnectorError
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from campaign.sources.models import Source
from campaign.sources.networks import GraphReader, XReader

log = logging.getLogger(__name__)
REMOVED_UPSTREAM = "entry.removed_upstream"  # its own audit action (audit.labels)
# The duty runs every RECHECK_EVERY; an approved post (public, or public as soon as it is consented) is
# asked again once its network's PUBLIC_EVERY has passed, any other live post once QUEUE_EVERY has: a post
# its creator deletes leaves our galleries and reviews within PUBLIC_EVERY + RECHECK_EVERY, not 6 hours or
# more. Per source and run at most RECHECK_BATCH posts, the approved first, then those never asked, then
# those asked longest ago. What it costs, per 100 approved posts: Instagram, hourly, 2,400 calls a day
# (one call each, within the 4,800 a day per account that Instagram's business use case limit gives even
# the smallest account, and the reader stops near the usage limit), free; X, every 3 hours, 800 post reads
# a day (100 ids a call, $0.005 a post read: $4 a day, where hourly would be $12, and the 6 hours before
# $2), well inside the 24 hours X's developer policy allows for honouring a deletion. Posts still in
# moderation: 400 reads a day per 100.
RECHECK_EVERY = timedelta(minutes=15)
PUBLIC_EVERY = {"instagram": timedelta(hours=1), "x": timedelta(hours=3)}
QUEUE_EVERY = timedelta(hours=6)
RECHECK_BATCH = 100


def mark_removed(entry: Entry, *, now: datetime) -> None:
    """The network says the post is gone: it leaves the queue and every public surface (flushes)."""
    from campaign.moderation.services import transition

    if entry.removed_upstream_at is not None:
        return
    entry.removed_upstream_at = now  # first (flushed: the transition re-reads the row): its event says why
    db.session.flush()
    if entry.status is not EntryStatus.WITHDRAWN or entry.withdrawn_by != "customer":
        transition(  # locks, re-reads
            entry, "withdraw", actor=Actor.system(), membership=None, now=now, event=REMOVED_UPSTREAM
        )
    db.session.flush()


def recheck_source(source: Source, *, now: datetime, batch: int = RECHECK_BATCH) -> int:
    """Asks the network whether up to `batch` of the source's due posts still exist (held ones first, then
    the approved, then those never asked, then those asked longest ago); returns how many are gone. A held
    post still there is shown again (`sources.holds`). A network that
    stops answering part-way (a rate limit, usage near it) keeps what it answered: those posts are marked,
    the rest asked at the next run. A refused token marks the connection (`connectors.expiry`); while it is
    marked nothing is asked."""
    from campaign.sources.poll import reader_for

    reader = reader_for(source, now)
    if reader is None:
        return 0
    approved = Entry.status == EntryStatus.APPROVED
    checked = Entry.upstream_checked_at
    entries = list(
        db.session.scalars(
            select(Entry)
            .where(
                Entry.source_id == source.id,
                Entry.removed_upstream_at.is_(None),
                Entry.status != EntryStatus.WITHDRAWN,
                or_(
                    Entry.held_at.is_not(None),  # waits for this answer to be shown again
                    checked.is_(None),
                    and_(approved, checked <= now - PUBLIC_EVERY[source.network]),
                    checked <= now - QUEUE_EVERY,
                ),
            )
            .order_by(Entry.held_at.is_(None), approved.desc(), checked.is_not(None), checked, Entry.id)
            .limit(batch)
        )
    )
    try:
        asked, gone = _ask(reader, entries)
    except ConnectorError as exc:
        if expiry.note_refusal(source.org_id, source.network, exc, now=now):
            db.session.commit()
        raise
    removed = 0
    for entry in asked:
        entry.upstream_checked_at = now
        if entry.network_post_id in gone:
            mark_removed(entry, now=now)
            removed += 1
        elif entry.held_at is not None:
            _release(entry, now)
    source.api_pages += reader.pages
    db.session.commit()
    return removed


def _release(entry: Entry, now: datetime) -> None:
    """A held post the network still has (`sources.holds`); one storage cannot copy stays held for the
    next recheck."""
    from campaign.entries.publication import PublishFailed
    from campaign.sources.holds import release

    try:
        release(entry, now=now)
    except PublishFailed:
        entry.upstream_checked_at = None  # asked again first
        log.warning("held entry %s not released: storage did not answer", entry.public_id)


def _ask(reader, entries: list[Entry]) -> tuple[list[Entry], set[str]]:
    """(the entries the network answered for, the post ids it says are gone). X answers a batch at once;
    Graph one post at a time, so a stop part-way keeps the answers before it (logged)."""
    if isinstance(reader, XReader):
        return entries, reader.gone([e.network_post_id for e in entries])
    assert isinstance(reader, GraphReader)
    asked, gone = [], set()
    try:
        for entry in entries:
            if reader.resume_at is not None:  # usage near the limit: the polls keep what is left
                log.info("recheck paused near the usage limit after %d of %d posts", len(asked), len(entries))
                break
            if not reader.exists(entry.network_post_id):
                gone.add(entry.network_post_id)
            asked.append(entry)
    except ConnectorError as exc:
        if exc.token_refused and not asked:
            raise  # the connection is marked by the caller
        log.warning("recheck stopped after %d of %d posts: %s", len(asked), len(entries), exc)
    return asked, gone


def recheck_all(*, now: datetime | None = None, batch: int = RECHECK_BATCH) -> int:
    now = now or utcnow()
    removed = 0
    for source_id in db.session.scalars(select(Source.id).order_by(Source.id)).all():
        try:
            removed += recheck_source(db.session.get(Source, source_id), now=now, batch=batch)
        except ConnectorError as exc:  # asked again at the next run
            db.session.rollback()
            log.warning("source %d could not be rechecked: %s", source_id, exc)
    return removed
