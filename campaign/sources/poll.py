"""One incremental pass over a campaign's sources: read what is new since the cursor, collect each post,
store the cursor, the pages spent and when to resume. A source's pass runs under its lease
(`source:<id>`), so two schedulers never poll the same source at once; two sources that find the same
post collect it once (`collect`). The `after_poll` hooks run after each source's pass, in its
transaction (rights: detecting replies that grant, issue 12)."""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from campaign import leases, outbound
from campaign.clock import utcnow
from campaign.connectors import expiry
from campaign.connectors.base import ConnectorError
from campaign.connectors.services import TOKEN_PURPOSE, account_of
from campaign.draws import sealing
from campaign.entries.services import Limits
from campaign.extensions import db
from campaign.sources import services
from campaign.sources.collect import Refused, Unavailable, collect, known
from campaign.sources.models import Source, SourceKind, SourceState
from campaign.sources.networks import (
    GRAPH_FIELDS,
    TAG_FIELDS,
    Found,
    GraphReader,
    Pass,
    Reader,
    XReader,
    parse_time,
)
from campaign.storage import get_storage

log = logging.getLogger(__name__)
SOURCE_LEASE = timedelta(minutes=20)
RATE_LIMIT_PAUSE = timedelta(minutes=15)  # when a rate-limited answer does not say how long
COMMIT_EVERY = 25  # posts per transaction: each post's original, entry and outbox row commit together
MAX_RETRIES = 200  # posts kept for another download attempt, per source
# Called as hook(source, result, now) after each pass, before its commit: the lead wires rights here.
after_poll: list[Callable[[Source, Pass, datetime], None]] = []


def reader_for(source: Source, now: datetime) -> Reader | None:
    """None when the network is not connected, or refused its token (nothing is read until reconnected)."""
    account = account_of(source.org_id, source.network)
    if account is None or account.needs_reconnection:
        return None
    token = sealing.unseal(current_app.secret_key, TOKEN_PURPOSE, account.token_sealed).decode()
    cls = XReader if source.network == "x" else GraphReader
    return cls(
        base_url=account.base_url,
        token=token,
        account_id=account.account_id,
        allow_private=outbound.allow_private(),
        now=now,
    )


def read(source: Source, reader: Reader, now: datetime) -> Pass:
    """The source's new posts since its cursor, newest first, and the cursor to store after them."""
    if source.kind is SourceKind.X_SEARCH:
        return reader.search(source.query, source.cursor or {})
    if source.kind is SourceKind.INSTAGRAM_TAGS:
        tags = reader.edge(f"{reader.account_id}/tags", source.cursor.get("tags", {}), fields=TAG_FIELDS)
        return Pass(tags.posts, {"tags": tags.cursor}, reader.pages)
    hashtag = source.query
    if not services.hashtag_allowed(source.org_id, hashtag, now):
        raise ConnectorError("hashtag budget spent", kind="hashtag_budget")
    hashtag_id = services.cached_hashtag_id(source.org_id, hashtag) or reader.hashtag_id(hashtag)
    if not hashtag_id:
        raise ConnectorError(f"Instagram knows no hashtag #{hashtag}", kind="not_found")
    services.note_hashtag(source.org_id, hashtag, now, hashtag_id)
    recent = reader.edge(
        f"{hashtag_id}/recent_media",
        source.cursor.get("recent", {}),
        fields=GRAPH_FIELDS,
        user_id=reader.account_id,
    )
    cursor = {"recent": recent.cursor}
    posts = recent.posts
    if source.include_top:  # popularity order: no cursor can stop it, one page a pass
        top = reader.edge(
            f"{hashtag_id}/top_media",
            {},
            fields=GRAPH_FIELDS,
            chronological=False,
            user_id=reader.account_id,
        )
        posts += top.posts
    return Pass(posts, cursor, reader.pages)


def _fail(source: Source, code: str, detail: str, now: datetime) -> None:
    source.error_code, source.error_detail, source.error_at = code, detail[:2000], now


def _count(source: Source, code: str) -> None:
    source.skipped = {**(source.skipped or {}), code: (source.skipped or {}).get(code, 0) + 1}


def poll_source(source_id: int, *, now: datetime | None = None) -> str:
    """One pass of one source; "skipped" when paused, not due, or another poller has it. Commits."""
    now = now or utcnow()
    holder = leases.take(f"source:{source_id}", now=now, ttl=SOURCE_LEASE)
    if holder is None:
        return "skipped"
    try:
        return _poll(source_id, now)
    finally:
        db.session.rollback()
        leases.release(f"source:{source_id}", holder, until=now)


def _poll(source_id: int, now: datetime) -> str:
    source = db.session.get(Source, source_id)
    if source is None or source.state is not SourceState.ACTIVE:
        return "skipped"
    if source.next_poll_at is not None and source.next_poll_at > now:
        return "waiting"
    reader = reader_for(source, now)
    if reader is None:
        account = account_of(source.org_id, source.network)
        if account is None:
            _fail(source, "not_connected", "", now)
        else:
            _fail(source, "reconnect_needed", account.refused_detail, now)
        source.last_poll_at = now
        db.session.commit()
        return "failed"
    try:
        result = read(source, reader, now)
    except ConnectorError as exc:
        db.session.rollback()
        source = db.session.get(Source, source_id)
        expiry.note_refusal(source.org_id, source.network, exc, now=now)
        _fail(source, exc.kind, str(exc), now)
        source.last_poll_at, source.last_pages = now, reader.pages
        source.api_pages += reader.pages
        if exc.kind == "rate_limited":
            wait = timedelta(seconds=exc.retry_after) if exc.retry_after else RATE_LIMIT_PAUSE
            source.next_poll_at = now + wait
        elif reader.resume_at is not None:
            source.next_poll_at = reader.resume_at
        db.session.commit()
        return "failed"
    outcome = collect_all(source, list(reversed(result.posts)), now=now)
    merged = {**(source.cursor or {}), **result.cursor}
    source.cursor = {key: value for key, value in merged.items() if value is not None}  # a backlog read
    source.last_poll_at, source.last_pages = now, reader.pages
    source.api_pages += reader.pages
    source.next_poll_at = reader.resume_at
    if reader.resume_at is not None:
        _fail(source, "rate_limited", "usage headers", now)
    elif not outcome:
        source.error_code, source.error_detail, source.error_at = "", "", None
    for hook in after_poll:
        hook(source, result, now)
    db.session.commit()
    return "polled"


def collect_all(source: Source, posts: list[Found], *, now: datetime) -> str:
    """Collects the posts kept for another try, then `posts` (oldest first), committing every
    COMMIT_EVERY posts (a crash loses no more: the cursor moves only at the end of the pass); returns the
    code of the last problem ("" when none). A refused post is counted by its reason and never tried again;
    a failed download is kept for the next pass."""
    storage = get_storage()
    limits = Limits.from_config(current_app.config)
    private = outbound.allow_private()
    waiting = [_found(item) for item in source.retry or []]
    source.retry = []
    problem = ""
    retry: list[dict] = []
    todo = waiting + posts
    seen = known(source.network, [found.post_id for found in todo])
    todo = [found for found in todo if found.post_id not in seen]
    for number, found in enumerate(todo, 1):
        try:
            entry, shortened = collect(
                source, found, storage=storage, limits=limits, now=now, allow_private=private
            )
        except Refused as exc:
            _count(source, exc.code)
            if exc.code.startswith("media_"):
                problem = exc.code
                _fail(source, exc.code, f"post {found.post_id}: {exc}", now)
        except Unavailable as exc:
            problem = exc.code
            _fail(source, exc.code, f"post {found.post_id}: {exc}", now)
            if len(retry) < MAX_RETRIES:
                retry.append(_plain(found))
        else:
            if entry is not None:
                source.collected += 1
            if shortened:
                problem = "caption_shortened"
                _count(source, "caption_shortened")
                _fail(source, "caption_shortened", f"post {found.post_id}", now)
        source.retry = list(retry)
        if number % COMMIT_EVERY == 0:
            db.session.commit()
    db.session.commit()
    return problem


def _plain(found: Found) -> dict:
    return {
        "post_id": found.post_id,
        "permalink": found.permalink,
        "handle": found.handle,
        "caption": found.caption[:3000],
        "posted_at": found.posted_at.isoformat() if found.posted_at else None,
        "media_url": found.media_url,
    }


def _found(item: dict) -> Found:
    return Found(
        post_id=str(item.get("post_id", "")),
        permalink=item.get("permalink", ""),
        handle=item.get("handle", ""),
        caption=item.get("caption", ""),
        posted_at=parse_time(item.get("posted_at")),
        media_url=item.get("media_url", ""),
    )


def due_sources(campaign_id: int | None = None) -> list[int]:
    query = select(Source.id).where(Source.state == SourceState.ACTIVE)
    if campaign_id is not None:
        query = query.where(Source.campaign_id == campaign_id)
    return list(db.session.scalars(query.order_by(Source.id)))


def poll_all(*, campaign_id: int | None = None, now: datetime | None = None) -> dict[str, int]:
    """One pass over every active source (of one campaign); a source that raises is logged, the rest go on."""
    outcomes: dict[str, int] = {}
    for source_id in due_sources(campaign_id):
        try:
            outcome = poll_source(source_id, now=now)
        except Exception:
            db.session.rollback()
            log.exception("source %d could not be polled", source_id)
            outcome = "error"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def collect_mention(source_id: int, media_id: str) -> str:
    """An outbox job: the media a `mentions` webhook named, read through the brand's node and collected."""
    now = utcnow()
    source = db.session.get(Source, source_id)
    if source is None or source.state is not SourceState.ACTIVE:
        return "skipped"
    reader = reader_for(source, now)
    if reader is None or not isinstance(reader, GraphReader):
        return "skipped"
    try:
        found = reader.mentioned_media(media_id)
    except ConnectorError as exc:
        expiry.note_refusal(source.org_id, source.network, exc, now=now)
        _fail(source, exc.kind, str(exc), now)
        db.session.commit()
        if exc.kind in ("unreachable", "rate_limited"):
            raise  # the outbox tries again after its back-off
        return "failed"
    source.api_pages += reader.pages
    collect_all(source, [found], now=now)
    return "collected"
