"""Reading posts from the networks' APIs, one incremental pass per source, in the networks' own terms.

Instagram's hashtag results carry no username (the author stays anonymous until a rights grant names
them); its tags and mentions do. A carousel counts by its first photo; a video, a reel or a carousel
without a photo is skipped with the reason "video". X posts come from recent search with
`has:images -is:retweet`; a post with several photos counts by its first. Where a pass stops: X's
`since_id` (the `newest_id` of the last pass); Instagram's edges list newest first, so a pass stops at
the newest media it saw last time. An idle pass therefore reads one page per edge.

A pass that stops before it has read everything down to its cursor (a rate limit, usage headers, MAX_PAGES)
keeps the old cursor and a `backlog`: where the next pass goes on (X's `until_id`, the oldest post read;
Graph's `after` cursor) and the newest post of the run, which becomes the cursor only once the pass that
reaches the old one completes. Moving the cursor to the newest post at once lost every older post not read.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from campaign.connectors.base import ConnectorError, get_json

GRAPH_FIELDS = "id,caption,media_type,media_url,permalink,timestamp,children{media_type,media_url}"
TAG_FIELDS = GRAPH_FIELDS + ",username"
X_PAGE = 100  # recent search's largest page
MAX_PAGES = 100  # per edge and pass; the next pass goes on from the cursor
USAGE_CEILING = 90  # Graph usage headers in percent: at or above it, the source waits
USAGE_PAUSE = timedelta(minutes=15)  # how long, when the API does not say (Graph, X without a reset)
PHOTO_TYPES = ("IMAGE",)


class MalformedPage(ConnectorError):
    def __init__(self, message: str):
        super().__init__(message, kind="malformed")


@dataclass
class Found:
    """One post as the API told it; `skip` says why it will not become an entry ("" when it will)."""

    post_id: str
    permalink: str = ""
    handle: str = ""
    caption: str = ""
    posted_at: datetime | None = None
    media_url: str = ""
    skip: str = ""


@dataclass
class Pass:
    """What one pass read: the posts, the cursor to store, how many API pages, when to resume."""

    posts: list[Found] = field(default_factory=list)
    cursor: dict = field(default_factory=dict)
    pages: int = 0
    resume_at: datetime | None = None


def parse_time(value) -> datetime | None:
    """Graph's `2026-12-03T10:00:00+0000` and X's `2026-12-03T10:00:00.000Z`, as aware UTC."""
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(value, limit: int = 2000) -> str:
    return value[:limit] if isinstance(value, str) else ""


def graph_backoff(headers: dict, now: datetime) -> datetime | None:
    """When Graph's usage headers say this app or account is near its limit: the time to resume."""
    lower = {k.lower(): v for k, v in headers.items()}
    waits: list[timedelta] = []
    try:
        for items in json.loads(lower.get("x-business-use-case-usage") or "{}").values():
            for item in items:
                minutes = int(item.get("estimated_time_to_regain_access") or 0)
                if minutes > 0:
                    waits.append(timedelta(minutes=minutes))
                elif max(int(item.get(k) or 0) for k in ("call_count", "total_cputime", "total_time")) >= (
                    USAGE_CEILING
                ):
                    waits.append(USAGE_PAUSE)
        app = json.loads(lower.get("x-app-usage") or "{}")
        if max((int(app.get(k) or 0) for k in ("call_count", "total_cputime", "total_time")), default=0) >= (
            USAGE_CEILING
        ):
            waits.append(USAGE_PAUSE)
    except (ValueError, TypeError, AttributeError):
        return None
    return now + max(waits) if waits else None


def x_backoff(headers: dict, now: datetime) -> datetime | None:
    """X's `x-rate-limit-remaining: 0`: resume at `x-rate-limit-reset` (an epoch second)."""
    lower = {k.lower(): v for k, v in headers.items()}
    if lower.get("x-rate-limit-remaining") != "0":
        return None
    try:
        return datetime.fromtimestamp(int(lower["x-rate-limit-reset"]), UTC)
    except (KeyError, ValueError, OverflowError):
        return now + USAGE_PAUSE


class Reader:
    """One network's API with an organisation's access; counts the pages it reads."""

    def __init__(self, *, base_url: str, token: str, account_id: str, allow_private: bool, now: datetime):
        self.base = base_url.rstrip("/")
        self.token = token
        self.account_id = account_id
        self.allow_private = allow_private
        self.now = now
        self.pages = 0
        self.resume_at: datetime | None = None

    def _wait_until(self, when: datetime | None) -> None:
        if when is not None and (self.resume_at is None or when > self.resume_at):
            self.resume_at = when


class GraphReader(Reader):
    def get(self, path: str, **params) -> dict:
        self.pages += 1
        body, headers = get_json(
            f"{self.base}/{path.lstrip('/')}",
            {**params, "access_token": self.token},
            {},
            allow_private=self.allow_private,
        )
        self._wait_until(graph_backoff(headers, self.now))
        return body

    def hashtag_id(self, name: str) -> str | None:
        found = self.get("ig_hashtag_search", user_id=self.account_id, q=name).get("data")
        if not isinstance(found, list):
            raise MalformedPage("ig_hashtag_search answered without a data list")
        return str(found[0]["id"]) if found and isinstance(found[0], dict) and "id" in found[0] else None

    def edge(self, path: str, cursor: dict, *, fields: str, chronological: bool = True, **params) -> Pass:
        """Newest first, until the media the last complete pass saw first (`cursor`: {"id", "at"}, and
        "backlog": {"after", "newest"} while a pass that stopped early has older pages left to read)."""
        result = Pass()
        seen = {k: cursor[k] for k in ("id", "at") if k in cursor}
        backlog = cursor.get("backlog") if isinstance(cursor.get("backlog"), dict) else {}
        after, newest, more = backlog.get("after"), backlog.get("newest") or {}, False
        for _ in range(MAX_PAGES if chronological else 1):
            query = {**params, "fields": fields, "limit": 50} | ({"after": after} if after else {})
            body = self.get(path, **query)
            data = body.get("data")
            if not isinstance(data, list):
                raise MalformedPage(f"{path} answered without a data list")
            for item in data:
                found = graph_media(item)
                if chronological and _reached(found, seen):
                    result.cursor = newest or seen
                    return result
                if chronological and not newest and found.posted_at is not None:
                    newest = {"id": found.post_id, "at": found.posted_at.isoformat()}
                result.posts.append(found)
            paging = body.get("paging") if isinstance(body.get("paging"), dict) else {}
            after = (
                (paging.get("cursors") or {}).get("after")
                if isinstance(paging.get("cursors"), dict)
                else None
            )
            more = bool(after) and "next" in paging
            if not more or self.resume_at is not None:  # near the usage limit: the rest next time
                break
        if chronological:
            backlog = {"after": after, "newest": newest}
            result.cursor = {**seen, "backlog": backlog} if more else newest or seen
        return result

    def mentioned_media(self, media_id: str) -> Found:
        """The media a `mentions` webhook names, through the brand's own node (the documented way)."""
        body = self.get(self.account_id, fields=f"mentioned_media.media_id({media_id}){{{TAG_FIELDS}}}")
        item = body.get("mentioned_media")
        if not isinstance(item, dict):
            raise MalformedPage("mentioned_media answered without the media")
        return graph_media(item)

    def exists(self, media_id: str) -> bool:
        try:
            self.get(media_id, fields="id")
        except ConnectorError as exc:
            if exc.kind == "not_found":
                return False
            raise
        return True


def _reached(found: Found, seen: dict) -> bool:
    if not seen:
        return False
    if found.post_id == seen.get("id"):
        return True
    seen_at = parse_time(seen.get("at"))
    return found.posted_at is not None and seen_at is not None and found.posted_at < seen_at


def graph_media(item) -> Found:
    """An IG Media object → Found; a carousel by its first photo, a video skipped."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str | int):
        raise MalformedPage("a media item without an id")
    found = Found(
        post_id=str(item["id"])[:64],
        permalink=_text(item.get("permalink"), 500),
        handle=_text(item.get("username"), 100),
        caption=item.get("caption") if isinstance(item.get("caption"), str) else "",
        posted_at=parse_time(item.get("timestamp")),
    )
    kind = item.get("media_type")
    if kind in PHOTO_TYPES:
        found.media_url = _text(item.get("media_url"))
    elif kind == "CAROUSEL_ALBUM":
        children = (
            (item.get("children") or {}).get("data") if isinstance(item.get("children"), dict) else None
        )
        photos = [c for c in children or [] if isinstance(c, dict) and c.get("media_type") in PHOTO_TYPES]
        found.media_url = _text(photos[0].get("media_url")) if photos else ""
    if not found.media_url:
        found.skip = "video" if kind in ("VIDEO", "REELS", "CAROUSEL_ALBUM") else "no_photo"
    return found


class XReader(Reader):
    def get(self, path: str, **params) -> dict:
        self.pages += 1
        body, headers = get_json(
            f"{self.base}/{path.lstrip('/')}",
            params,
            {"Authorization": f"Bearer {self.token}"},
            allow_private=self.allow_private,
        )
        self._wait_until(x_backoff(headers, self.now))
        return body

    def search(self, query: str, cursor: dict) -> Pass:
        """Recent search newer than the cursor's `since_id`, every page. The new `since_id` is the run's
        first `newest_id`, stored only once every older page down to the old one is read; until then the
        cursor keeps the old `since_id` and a backlog: `until_id` (the oldest post read) and `newest_id`."""
        result = Pass()
        since_id = cursor.get("since_id")
        backlog = cursor.get("backlog") if isinstance(cursor.get("backlog"), dict) else {}
        until_id, newest_id = backlog.get("until_id"), backlog.get("newest_id")
        oldest, token = until_id, None
        for _ in range(MAX_PAGES):
            params = {
                "query": query,
                "max_results": X_PAGE,
                "expansions": "attachments.media_keys,author_id",
                "media.fields": "url,type",
                "tweet.fields": "created_at,author_id,attachments",
                "user.fields": "username",
            }
            if since_id:
                params["since_id"] = since_id
            if until_id:
                params["until_id"] = until_id
            if token:
                params["next_token"] = token
            body = self.get("2/tweets/search/recent", **params)
            meta = body.get("meta")
            if not isinstance(meta, dict):
                raise MalformedPage("recent search answered without meta")
            newest_id = newest_id or (str(meta["newest_id"]) if meta.get("newest_id") else None)
            page = x_posts(body, self.account_id)
            result.posts += page
            token = meta.get("next_token")
            if not token:  # read down to since_id: the run is complete
                result.cursor = {"since_id": newest_id or since_id, "backlog": None}
                return result
            if page:  # the next pass goes on below it (this pass's requests keep their own until_id)
                oldest = str(meta.get("oldest_id") or min((f.post_id for f in page), key=int))
            if self.resume_at is not None:
                break
        result.cursor = {"since_id": since_id, "backlog": {"until_id": oldest, "newest_id": newest_id}}
        return result

    def gone(self, post_ids: list[str]) -> set[str]:
        """Which of these posts X says no longer exist (`GET /2/tweets?ids=`, 100 at a time)."""
        missing: set[str] = set()
        for start in range(0, len(post_ids), 100):
            body = self.get("2/tweets", ids=",".join(post_ids[start : start + 100]))
            for error in body.get("errors") or []:
                if isinstance(error, dict) and str(error.get("type", "")).endswith("resource-not-found"):
                    missing.add(str(error.get("value") or error.get("resource_id") or ""))
        return missing


def x_posts(body: dict, brand_user_id: str) -> list[Found]:
    data = body.get("data", [])
    includes = body.get("includes") if isinstance(body.get("includes"), dict) else {}
    if not isinstance(data, list):
        raise MalformedPage("recent search answered a data that is not a list")
    media = {m.get("media_key"): m for m in includes.get("media") or [] if isinstance(m, dict)}
    users = {u.get("id"): u for u in includes.get("users") or [] if isinstance(u, dict)}
    posts = []
    for tweet in data:
        if not isinstance(tweet, dict) or not isinstance(tweet.get("id"), str):
            raise MalformedPage("a post without an id")
        username = _text((users.get(tweet.get("author_id")) or {}).get("username"), 100)
        keys = (tweet.get("attachments") or {}).get("media_keys") or []
        attached = [media[k] for k in keys if k in media]
        photos = [m for m in attached if m.get("type") == "photo" and m.get("url")]
        found = Found(
            post_id=tweet["id"][:64],
            permalink=f"https://x.com/{username or 'i/web'}/status/{tweet['id']}",
            handle=username,
            caption=tweet.get("text") if isinstance(tweet.get("text"), str) else "",
            posted_at=parse_time(tweet.get("created_at")),
            media_url=_text(photos[0]["url"]) if photos else "",
        )
        if tweet.get("author_id") == brand_user_id:
            found.skip = "own_post"
        elif not photos:
            found.skip = "video" if attached else "no_photo"
        posts.append(found)
    return posts


def x_query(hashtags: list[str], brand_handle: str) -> str:
    """`(#a OR #b OR @brand) has:images -is:retweet`: a campaign hashtag or a mention, photos only."""
    terms = [f"#{t.lstrip('#＃')}" for t in hashtags if t.strip("#＃ ")]
    if brand_handle.strip("@＠ "):
        terms.append(f"@{brand_handle.strip().lstrip('@＠')}")
    group = terms[0] if len(terms) == 1 else f"({' OR '.join(terms)})"
    return f"{group} has:images -is:retweet"
