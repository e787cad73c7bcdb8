"""Posts deleted on their network: asked again from time to time, marked `removed_upstream_at`, and taken
off every public surface by the moderation state machine's own withdrawal (final, as a customer withdraws
an upload: its public copies purged after the commit). The system records it, as `entry.removed_upstream`:
the network said the post is gone, which is not the customer withdrawing their entry."""

import logging
from datetime import datetime

from sqlalchemy import select

from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.connectors.base import ConnectorError
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from campaign.sources.models import Source
from campaign.sources.networks import GraphReader, XReader

log = logging.getLogger(__name__)
REMOVED_UPSTREAM = "entry.removed_upstream"  # its own audit action (audit.labels)
# entries per source and run: those never asked first (approved ones first), then those asked longest ago
RECHECK_BATCH = 300


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
    """Asks the network whether `batch` of the source's collected posts still exist, those never asked (the
    approved, public ones first) and then those asked longest ago, so every run goes on where the last
    stopped; returns how many are gone. A network that stops answering part-way (a rate limit) keeps what
    it answered: those posts are marked, the rest asked at the next run."""
    from campaign.sources.poll import reader_for

    reader = reader_for(source, now)
    if reader is None:
        return 0
    entries = list(
        db.session.scalars(
            select(Entry)
            .where(
                Entry.source_id == source.id,
                Entry.removed_upstream_at.is_(None),
                Entry.status != EntryStatus.WITHDRAWN,
            )
            .order_by(
                Entry.upstream_checked_at.is_not(None),
                Entry.upstream_checked_at,
                (Entry.status == EntryStatus.APPROVED).desc(),
                Entry.id,
            )
            .limit(batch)
        )
    )
    asked, gone = _ask(reader, entries)
    removed = 0
    for entry in asked:
        entry.upstream_checked_at = now
        if entry.network_post_id in gone:
            mark_removed(entry, now=now)
            removed += 1
    source.api_pages += reader.pages
    db.session.commit()
    return removed


def _ask(reader, entries: list[Entry]) -> tuple[list[Entry], set[str]]:
    """(the entries the network answered for, the post ids it says are gone). X answers a batch at once;
    Graph one post at a time, so a stop part-way keeps the answers before it (logged)."""
    if isinstance(reader, XReader):
        return entries, reader.gone([e.network_post_id for e in entries])
    assert isinstance(reader, GraphReader)
    asked, gone = [], set()
    try:
        for entry in entries:
            if not reader.exists(entry.network_post_id):
                gone.add(entry.network_post_id)
            asked.append(entry)
    except ConnectorError as exc:
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
