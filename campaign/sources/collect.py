"""One found post becomes one entry of the campaign: photo downloaded at once (media URLs expire), checked by
the same pipeline as uploads (limits, content sniffing; derivation strips metadata and finds duplicates
across uploads and posts), original private, consent empty until a rights grant. Nothing half-written:
the original is stored under `pending_objects`, the row is inserted in a savepoint, and a post already
collected (by this pass, an earlier one, or another poller at this moment) is left as it is."""

import contextlib
import http.client
import urllib.error
import urllib.request
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaign import events, jobs, media, outbound, pending_objects
from campaign.entries import rules
from campaign.entries.models import Consent, Entry
from campaign.entries.processing import process_entry
from campaign.entries.services import Limits
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.sources.models import Source
from campaign.sources.networks import Found
from campaign.storage.base import Storage, StorageError

NETWORK_CAPTION_MAX = 2200  # Instagram's own limit; X's is lower
DOWNLOAD_TIMEOUT = 20.0
CHUNK = 1024 * 1024


class Refused(Exception):
    """The post cannot become an entry (a video, an HTML page for a photo, a bomb): `code` says why."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code = code


class Unavailable(Exception):
    """The photo could not be fetched or stored just now: the post is tried again on a later pass."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code = code


def download(url: str, *, max_bytes: int, allow_private: bool) -> bytes:
    """The media file, at most `max_bytes` (read no further); public addresses only, no redirects."""
    if not url.startswith(("https://", "http://")):
        raise Refused("media_bad_url", url[:200])
    request = urllib.request.Request(url, headers={"Accept": "image/*"})  # noqa: S310 - scheme checked
    try:
        with outbound.opener(allow_private=allow_private).open(request, timeout=DOWNLOAD_TIMEOUT) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise Refused("media_too_large", f"{declared} bytes")
            data = bytearray()
            while chunk := response.read(CHUNK):
                data += chunk
                if len(data) > max_bytes:
                    raise Refused("media_too_large", f"more than {max_bytes} bytes")
            return bytes(data)
    except urllib.error.HTTPError as exc:
        raise Unavailable("media_download_failed", f"HTTP {exc.code}") from exc
    except (outbound.UnsafeTarget, outbound.UnknownHost) as exc:
        raise Refused("media_unsafe_address", url[:200]) from exc
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise Unavailable("media_download_failed", str(exc)[:200]) from exc


def clean_caption(text: str) -> tuple[str, bool]:
    """Control and bidi-override characters removed, at most NETWORK_CAPTION_MAX; True when shortened."""
    cleaned = rules.clean_text(text)
    return cleaned[:NETWORK_CAPTION_MAX], len(cleaned) > NETWORK_CAPTION_MAX


def known(network: str, post_ids: list[str]) -> set[str]:
    """Which of these posts are collected already (one query per 500)."""
    found: set[str] = set()
    for start in range(0, len(post_ids), 500):
        chunk = post_ids[start : start + 500]
        query = select(Entry.network_post_id).where(
            Entry.network == network, Entry.network_post_id.in_(chunk)
        )
        found.update(db.session.scalars(query))
    return found


def check(source: Source, found: Found) -> None:
    """Refused unless the post may enter: a photo, inside the campaign's window, not the brand's own."""
    if found.skip:
        raise Refused(found.skip)
    campaign = source.campaign
    brand = campaign.brand_handle.strip().lstrip("@＠").lower()
    if brand and found.handle.lower() == brand:
        raise Refused("own_post")
    when = found.posted_at
    if when is not None and (
        (campaign.opens_at is not None and when < campaign.opens_at)
        or (campaign.closes_at is not None and when > campaign.closes_at)
    ):
        raise Refused("outside_window")


def collect(
    source: Source, found: Found, *, storage: Storage, limits: Limits, now: datetime, allow_private: bool
) -> tuple[Entry | None, bool]:
    """(entry, caption shortened), or (None, False) when the post was collected already (the caller
    leaves out what `known` says; a post another poller collected a moment ago is found by the unique
    constraint). Refused or Unavailable otherwise, with nothing stored. Flushes; the caller commits."""
    network = source.network
    check(source, found)
    photo = download(found.media_url, max_bytes=limits.max_bytes, allow_private=allow_private)
    try:
        inspection = media.inspect(
            photo, max_pixels=limits.max_pixels, max_bytes=limits.max_bytes, min_side=limits.min_side
        )
    except media.MediaError as exc:
        raise Refused(f"media_{exc.code}") from exc
    campaign = source.campaign
    public_id = new_public_id()
    key = f"private/originals/{campaign.public_id}/{public_id}.{inspection.extension}"
    try:
        storage.put(key, photo, content_type=inspection.mime)
    except StorageError as exc:
        raise Unavailable("storage_unavailable", str(exc)[:200]) from exc
    pending_objects.track(db.session, storage, key)
    caption, shortened = clean_caption(found.caption)
    entry = Entry(
        public_id=public_id,
        org_id=campaign.org_id,
        campaign=campaign,
        product=campaign.products[0] if len(campaign.products) == 1 else None,
        idempotency_key=f"{network}:{found.post_id}",
        caption=caption,
        rating=None,  # a post carries no rating
        nickname=None,
        email="",  # collected posts have no email: the draw counts one per network account
        email_normalised="",
        person_slot=None,
        social_handle=found.handle,
        post_url=found.permalink,
        locale="ja",
        network=network,
        network_post_id=found.post_id,
        posted_at=found.posted_at,
        source_id=source.id,
        storage_backend=storage.name,
        original_key=key,
        original_format=inspection.extension,
        original_bytes=len(photo),
        width=inspection.width,
        height=inspection.height,
        created_at=now,
    )
    # no consent scope until a rights grant: the public gate refuses it on every surface
    entry.consent = Consent(terms_version="", scopes=[], given_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:  # another poller collected it a moment ago: its entry is the one
        with contextlib.suppress(StorageError):  # else `storage gc` sweeps it
            storage.delete(key)
        return None, False
    events.entry_received.send(entry, actor=None)
    jobs.after_commit(process_entry, entry.id)
    return entry, shortened
