"""What of an entry may leave Kuchikomi: nickname, rating, public caption, date, sizes, derivative URLs.

Every public surface (API, snapshots, fragments, JSON-LD, feed, webhooks) builds its data here, so no
email, social handle, post URL or other personal data can slip out through one of them.
"""

from contextlib import AbstractContextManager, nullcontext

from flask import current_app, has_request_context, request
from sqlalchemy import ColumnElement, and_

from campaign.entries.models import Entry, EntryStatus, Processing
from campaign.media_views import public_url


def public_caption(entry: Entry) -> str:
    """The caption as moderation cleared it for publication (redacted where redacted): moderation's rule."""
    return entry.public_caption or ""


def public_nickname(entry: Entry) -> str | None:
    """The nickname, when the customer agreed to be shown on some public surface; else None (the entry id
    alone identifies them, on the draw certificate for instance)."""
    consented = entry.consent is not None and bool(entry.consent.scopes)
    return (entry.nickname or None) if consented else None


def is_publishable(entry: Entry, scope: str) -> bool:
    """Approved, processed, not removed from its network nor held while it cannot be asked (`sources.holds`),
    and consented to this surface ("gallery" or "review"): a collected post has no scope until a rights
    grant gives it one."""
    return (
        entry.status is EntryStatus.APPROVED
        and entry.removed_upstream_at is None
        and entry.held_at is None
        and entry.processing is Processing.READY
        and entry.consent is not None
        and consents_to(entry.consent.scopes, scope)
    )


def publishable_rows() -> ColumnElement[bool]:
    """`is_publishable`'s conditions on the entry's own columns, as SQL, for a query that counts entries
    rather than loading them; with `consents_to` on the scopes of its consent (joined), the same rule."""
    return and_(
        Entry.status == EntryStatus.APPROVED,
        Entry.removed_upstream_at.is_(None),
        Entry.held_at.is_(None),
        Entry.processing == Processing.READY,
    )


def consents_to(scopes: list[str] | None, scope: str) -> bool:
    return scope in (scopes or [])


def url_context() -> AbstractContextManager:
    """Jobs build absolute URLs too: outside a request, against KUCHIKOMI_PUBLIC_BASE_URL."""
    if has_request_context():
        return nullcontext()
    base = current_app.config["PUBLIC_BASE_URL"]
    return current_app.test_request_context("/", base_url=base)


def absolute(url: str) -> str:
    """Embeds run on other origins: every URL they get is absolute (needs a request or `url_context`)."""
    if url.startswith(("http://", "https://")):
        return url
    return request.host_url.rstrip("/") + url


def images(entry: Entry) -> dict[str, list[dict]]:
    """Derivative URLs by format, smallest first, for srcset (WebP first choice, JPEG fallback)."""
    found: dict[str, list[dict]] = {"webp": [], "jpeg": []}
    for item in sorted(entry.derivatives, key=lambda d: d.width):
        widths = [known["width"] for known in found.get(item.format, [])]
        if item.format in found and item.width not in widths:  # a small photo's sizes can coincide
            found[item.format].append(
                {"url": absolute(public_url(item.public_key)), "width": item.width, "height": item.height}
            )
    return found


def photo(entry: Entry) -> dict:
    """One public photo, with everything an embed needs to reserve its box before it loads."""
    return {
        "id": entry.public_id,
        "nickname": entry.nickname,
        "anonymous": entry.nickname is None,
        "rating": entry.rating,  # None: a post collected from a network carries no rating
        "caption": public_caption(entry),
        "date": entry.created_at.date().isoformat(),
        "campaign": {"id": entry.campaign.public_id, "title": entry.campaign.title},
        "incentivized": True,  # every photo came from a campaign: labelled wherever shown
        "width": entry.width or 1,
        "height": entry.height or 1,
        "placeholder": entry.placeholder_color,
        "images": images(entry),
    }
