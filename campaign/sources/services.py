"""A campaign's sources: adding, pausing and resuming them, the Instagram hashtag budget, and the words
the studio shows for each status and error code (codes are stored, words chosen in the reader's language)."""

import re
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from campaign.audit.services import Actor, record
from campaign.campaigns.models import Campaign
from campaign.connectors.services import account_of
from campaign.entries.models import Entry, EntryStatus
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.sources.models import HashtagSearch, Source, SourceKind, SourceState
from campaign.sources.networks import x_query

HASHTAG_BUDGET = 30  # unique hashtags per Instagram account
HASHTAG_WINDOW = timedelta(days=7)  # rolling
X_QUERY_MAX = 512  # recent search's query length (Basic and Pro)
_HASHTAG_RE = re.compile(r"^\w{1,100}$")

KIND_LABELS = {
    SourceKind.INSTAGRAM_HASHTAG: _l("Instagram hashtag"),
    SourceKind.INSTAGRAM_TAGS: _l("Instagram tags and mentions"),
    SourceKind.X_SEARCH: _l("X recent search"),
}
# Why a post did not become an entry, or what the latest pass ran into: stored as codes.
MESSAGES = {
    "unauthorised": _l(
        "The network refused the access token: it is wrong, expired or revoked. Connect again."
    ),
    "rate_limited": _l("The network's rate limit was reached: collection resumes at the time shown."),
    "not_found": _l("The network does not know the account or hashtag any more."),
    "unreachable": _l("The network's API could not be reached. The next poll tries again."),
    "malformed": _l(
        "The network's API answered something that is not its documented format. Nothing was "
        "collected from that page; the next poll tries again."
    ),
    "api": _l("The network's API answered with an error."),
    "reconnect_needed": _l(
        "The connection to this network has expired: nothing is collected, and deletions on the network "
        "are not checked, until an owner reconnects it."
    ),
    "not_connected": _l("This network is not connected for your organisation. Connect it first."),
    "hashtag_budget": _l(
        "Instagram allows 30 different hashtags per account in 7 days, and they are used up."
    ),
    "video": _l("A video (or a carousel without a photo) was skipped: only photos are collected."),
    "no_photo": _l("A post without a photo was skipped."),
    "own_post": _l("A post by the brand's own account was skipped."),
    "outside_window": _l("A post made outside the campaign's dates was skipped."),
    "media_bad_url": _l("A post's media address was not a web address; the post was skipped."),
    "media_unsafe_address": _l("A post's media address leads to a private network; the post was skipped."),
    "media_too_large": _l("A post's photo was larger than the upload limit; the post was skipped."),
    "media_empty": _l("A post's photo was empty; the post was skipped."),
    "media_not_an_image": _l(
        "A post's media address answered something that is not a photo (a web page, "
        "say); the post was skipped."
    ),
    "media_unsupported_format": _l("A post's photo is in a format we do not accept; the post was skipped."),
    "media_truncated": _l("A post's photo was incomplete or damaged; the post was skipped."),
    "media_too_many_pixels": _l(
        "A post's photo had too many pixels (a decompression bomb?); the post was skipped."
    ),
    "media_too_many_frames": _l("A post's photo had too many frames; the post was skipped."),
    "media_too_small": _l("A post's photo was too small to show a product; the post was skipped."),
    "media_timeout": _l("A post's photo took too long to read; the post was skipped."),
    "media_out_of_memory": _l("A post's photo was too complex to read; the post was skipped."),
    "media_download_failed": _l(
        "A post's photo could not be downloaded; it is tried again on the next poll."
    ),
    "storage_unavailable": _l(
        "Storage did not answer while saving a post's photo; it is tried again on the next poll."
    ),
    "caption_shortened": _l(
        "A post's caption was longer than 2,200 characters or held control characters: "
        "it was cleaned and shortened."
    ),
}


def message(code: str) -> str:
    """The code in the reader's language (an unknown code is shown as it is)."""
    return str(MESSAGES[code]) if code in MESSAGES else code


class InvalidSource(DomainError):
    code = "invalid_source"


def sources_of(campaign: Campaign) -> list[Source]:
    return list(
        db.session.scalars(
            select(Source)
            .where(Source.campaign_id == campaign.id, Source.org_id == campaign.org_id)
            .order_by(Source.created_at, Source.id)
        )
    )


def approved_posts(sources: list[Source]) -> dict[int, int]:
    """Source id -> its approved posts still live on the network (whose deletion the recheck looks for)."""
    if not sources:
        return {}
    rows = db.session.execute(
        select(Entry.source_id, func.count())
        .where(
            Entry.source_id.in_([s.id for s in sources]),
            Entry.status == EntryStatus.APPROVED,
            Entry.removed_upstream_at.is_(None),
        )
        .group_by(Entry.source_id)
    )
    return {source_id: count for source_id, count in rows}


def source_of(campaign: Campaign, public_id: str) -> Source:
    from campaign.errors import NotFound

    found = db.session.scalar(
        select(Source).where(
            Source.public_id == public_id, Source.campaign_id == campaign.id, Source.org_id == campaign.org_id
        )
    )
    if found is None:
        raise NotFound()
    return found


def normalise_hashtag(text: str) -> str:
    return text.strip().lstrip("#＃").strip().lower()


def budget_used(org_id: int, now: datetime) -> list[str]:
    """The hashtags that count against the account's 30 right now (searched in the last 7 days)."""
    return list(
        db.session.scalars(
            select(HashtagSearch.hashtag)
            .where(HashtagSearch.org_id == org_id, HashtagSearch.searched_at > now - HASHTAG_WINDOW)
            .order_by(HashtagSearch.hashtag)
        )
    )


def hashtag_allowed(org_id: int, hashtag: str, now: datetime) -> bool:
    """A hashtag used in the window costs nothing more; a new one needs a free place among the 30."""
    used = budget_used(org_id, now)
    return hashtag in used or len(used) < HASHTAG_BUDGET


def note_hashtag(org_id: int, hashtag: str, now: datetime, hashtag_id: str = "") -> HashtagSearch:
    """Records a use of `hashtag` (it counts for 7 days from now); keeps the id Instagram gave it."""
    row = db.session.scalar(
        select(HashtagSearch).where(HashtagSearch.org_id == org_id, HashtagSearch.hashtag == hashtag)
    )
    if row is None:
        row = HashtagSearch(org_id=org_id, hashtag=hashtag, hashtag_id=hashtag_id, searched_at=now)
        db.session.add(row)
    row.searched_at = now
    if hashtag_id:
        row.hashtag_id = hashtag_id
    db.session.flush()
    return row


def cached_hashtag_id(org_id: int, hashtag: str) -> str:
    return (
        db.session.scalar(
            select(HashtagSearch.hashtag_id).where(
                HashtagSearch.org_id == org_id, HashtagSearch.hashtag == hashtag
            )
        )
        or ""
    )


def add_source(
    campaign: Campaign, kind: str, *, query: str = "", include_top: bool = False, actor: Actor, now: datetime
) -> Source:
    """A new active source; refused with a message when the network is not connected, the hashtag is not
    one, or Instagram's hashtag budget has no place for it."""
    try:
        kind = SourceKind(kind)
    except ValueError as exc:
        raise InvalidSource(_l("Choose a kind of source."), field="kind") from exc
    if account_of(campaign.org_id, kind.network) is None:
        raise InvalidSource(MESSAGES["not_connected"], field="kind")
    query = query.strip()
    if kind is SourceKind.INSTAGRAM_HASHTAG:
        query = normalise_hashtag(query)
        if not _HASHTAG_RE.match(query):
            raise InvalidSource(
                _l("Enter one hashtag, without spaces (for example #mybrand_photo)."), field="query"
            )
        if not hashtag_allowed(campaign.org_id, query, now):
            raise InvalidSource(
                _l(
                    "Instagram allows 30 different hashtags per account in 7 days, and %(used)s are in use. "
                    "Reuse one of them, or wait until one is 7 days old.",
                    used=HASHTAG_BUDGET,
                ),
                field="query",
            )
        note_hashtag(campaign.org_id, query, now)
    elif kind is SourceKind.X_SEARCH:
        query = query or x_query(campaign.hashtags or [], campaign.brand_handle or "")
        if query.startswith("has:images"):
            raise InvalidSource(
                _l("Give the campaign a hashtag or a brand account, or type a query."), field="query"
            )
        if "has:images" not in query:
            query = f"{query} has:images -is:retweet"
        if len(query) > X_QUERY_MAX:
            raise InvalidSource(_l("The X query can be at most 512 characters."), field="query")
    else:
        query = ""
    source = Source(
        org_id=campaign.org_id,
        campaign=campaign,
        kind=kind,
        query=query,
        include_top=include_top and kind is SourceKind.INSTAGRAM_HASHTAG,
        state=SourceState.ACTIVE,
        cursor={},
        skipped={},
        retry=[],
        created_at=now,
    )
    db.session.add(source)
    db.session.flush()
    record(
        actor,
        "source.added",
        org_id=campaign.org_id,
        campaign_id=campaign.id,
        object_type="source",
        object_id=source.public_id,
        now=now,
        after={"kind": str(kind), "query": query, "include_top": source.include_top},
    )
    return source


def set_state(source: Source, state: SourceState, *, actor: Actor, now: datetime) -> None:
    """Pause or resume; a resumed source polls at the next pass (unless a rate limit says later)."""
    if source.state is state:
        return
    before = {"state": str(source.state)}
    source.state = state
    db.session.flush()
    record(
        actor,
        "source.resumed" if state is SourceState.ACTIVE else "source.paused",
        org_id=source.org_id,
        campaign_id=source.campaign_id,
        object_type="source",
        object_id=source.public_id,
        now=now,
        before=before,
        after={"state": str(state)},
    )


def count_budget(org_id: int, now: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(HashtagSearch)
        .where(HashtagSearch.org_id == org_id, HashtagSearch.searched_at > now - HASHTAG_WINDOW)
    )
