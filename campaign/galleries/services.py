"""Defining galleries and choosing their photos; the rules every surface (API, snapshots, embeds) shares."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.audit.services import Actor, record
from campaign.campaigns.models import Campaign, Product
from campaign.entries.models import Entry, EntryStatus
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.galleries.models import Gallery, Layout
from campaign.galleries.origins import parse_origins
from campaign.reviews.models import Review, ReviewStatus
from campaign.reviews.public import is_publishable, photo

# The words embed.js shows, in the document's language (the snapshot's is the default language).
EMBED_LABELS = {
    "anonymous": _l("Anonymous"),
    "previous": _l("Previous photo"),
    "next": _l("Next photo"),
    "close": _l("Close"),
    "product": _l("See this product"),
    "product_named": _l("See this product: %(name)s"),
    "dialog": _l("Photo %(n)s of %(total)s"),
    "rating": _l("%(n)s out of 5 stars"),
    # how a photo's name is read out ("5 out of 5 stars, sakura. Lovely tea"): 「…、さくら。…」 in Japanese
    "comma": _l(", "),
    "stop": _l(". "),
}
MAX_ITEMS = 200  # a gallery shows at most this many photos (snapshots hold them all)
PER_PAGE = 24


class InvalidGallery(DomainError):
    code = "invalid_gallery"


@dataclass
class GalleryData:
    name: str
    campaign: Campaign | None = None
    product: Product | None = None
    min_rating: int | None = None  # None: no minimum
    layout: Layout = Layout.GRID
    allowed_origins: str = ""
    pinned: list[str] = field(default_factory=list)


def _apply(gallery: Gallery, data: GalleryData) -> dict:
    if not data.name.strip():
        raise InvalidGallery(_l("Give the gallery a name."), field="name")
    if data.min_rating is not None and data.min_rating not in range(1, 6):
        raise InvalidGallery(_l("Choose a minimum rating from 1 to 5."), field="min_rating")
    if (
        data.product is not None
        and data.campaign is not None
        and data.product.campaign_id != data.campaign.id
    ):
        raise InvalidGallery(_l("The product is not part of this campaign."), field="product")
    gallery.name = data.name.strip()[:200]
    gallery.campaign, gallery.product = data.campaign, data.product
    gallery.min_rating, gallery.layout = data.min_rating, data.layout
    gallery.allowed_origins = parse_origins(data.allowed_origins)
    gallery.pinned = [pin for pin in dict.fromkeys(p.strip() for p in data.pinned) if pin][:MAX_ITEMS]
    return settings(gallery)


def settings(gallery: Gallery) -> dict:
    return {
        "name": gallery.name,
        "campaign": gallery.campaign.public_id if gallery.campaign else None,
        "product": gallery.product.public_id if gallery.product else None,
        "min_rating": gallery.min_rating,
        "layout": gallery.layout.value,
        "allowed_origins": list(gallery.allowed_origins),
        "pinned": list(gallery.pinned),
    }


def create_gallery(org_id: int, data: GalleryData, *, actor: Actor, now: datetime) -> Gallery:
    gallery = Gallery(org_id=org_id, created_at=now)
    after = _apply(gallery, data)
    db.session.add(gallery)
    db.session.flush()
    record(
        actor,
        "gallery.created",
        org_id=org_id,
        object_type="gallery",
        object_id=gallery.public_id,
        now=now,
        after=after,
    )
    return gallery


def update_gallery(gallery: Gallery, data: GalleryData, *, actor: Actor, now: datetime) -> Gallery:
    before = settings(gallery)
    after = _apply(gallery, data)
    db.session.flush()
    record(
        actor,
        "gallery.updated",
        org_id=gallery.org_id,
        object_type="gallery",
        object_id=gallery.public_id,
        now=now,
        before=before,
        after=after,
    )
    return gallery


def _matches_product(gallery: Gallery, entry: Entry, reviewed: dict[int, int]) -> bool:
    """The entry's product: its published review's (a marketer's later word), else the one the customer
    chose, else a one-product campaign's (entries sent before they named a product)."""
    if gallery.product is None:
        return True
    if entry.campaign_id != gallery.product.campaign_id:
        return False
    if entry.id in reviewed:
        return reviewed[entry.id] == gallery.product_id
    if entry.product_id is not None:
        return entry.product_id == gallery.product_id
    return len(entry.campaign.products) == 1


def items(gallery: Gallery) -> list[Entry]:
    """The gallery's photos in display order: pins first (in their order), then newest first."""
    query = (
        select(Entry)
        .where(
            Entry.org_id == gallery.org_id,
            Entry.status == EntryStatus.APPROVED,
        )
        .options(
            selectinload(Entry.derivatives),
            selectinload(Entry.consent),
            selectinload(Entry.campaign).selectinload(Campaign.products),
        )
        .order_by(Entry.created_at.desc(), Entry.id.desc())
    )
    if gallery.min_rating is not None:  # a minimum: only rated photos (network posts carry no rating)
        query = query.where(Entry.rating >= gallery.min_rating)
    if gallery.campaign_id is not None:
        query = query.where(Entry.campaign_id == gallery.campaign_id)
    reviewed: dict[int, int] = {}
    if gallery.product is not None:
        query = query.where(Entry.campaign_id == gallery.product.campaign_id)
        reviewed = dict(
            db.session.execute(
                select(Review.entry_id, Review.product_id).where(
                    Review.org_id == gallery.org_id, Review.status == ReviewStatus.PUBLISHED
                )
            ).all()
        )
    chosen = [
        entry
        for entry in db.session.scalars(query)
        if is_publishable(entry, "gallery") and _matches_product(gallery, entry, reviewed)
    ]
    rank = {public_id: index for index, public_id in enumerate(gallery.pinned)}
    chosen.sort(key=lambda entry: rank.get(entry.public_id, len(rank)))  # stable: the rest stay newest first
    return chosen[:MAX_ITEMS]


def document(gallery: Gallery, entries: list[Entry], *, page: int = 1, per_page: int | None = None) -> dict:
    """The public JSON for a gallery (one page of it, or all of it when per_page is None)."""
    total = len(entries)
    if per_page is None:
        shown, pages = entries, 1
    else:
        shown = entries[(page - 1) * per_page : page * per_page]
        pages = max(1, -(-total // per_page))
    return {
        "id": gallery.public_id,
        "name": gallery.name,
        "layout": gallery.layout.value,
        "label": str(_l("Photos posted by customers as part of a campaign (incentivised).")),
        "labels": {name: str(text) for name, text in EMBED_LABELS.items()},
        "total": total,
        "page": page,
        "pages": pages,
        "items": [{**photo(entry), "product": product_link(gallery, entry)} for entry in shown],
    }


def product_link(gallery: Gallery, entry: Entry) -> dict | None:
    """The product a photo shows, with its page on the brand's site, for the embed's product link (its
    clicks are counted): the gallery's product, else the entry's, else a one-product campaign's."""
    products = entry.campaign.products
    chosen = gallery.product or next((p for p in products if p.id == entry.product_id), None)
    if chosen is None and len(products) == 1:
        chosen = products[0]
    if chosen is None or not chosen.url.startswith(("https://", "http://")):
        return None
    return {"id": chosen.public_id, "name": chosen.name, "url": chosen.url}


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def etag_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def galleries_showing(entry: Entry) -> list[Gallery]:
    """The organisation's galleries that could include this entry (to rebuild after it changes)."""
    return galleries_of(entry.org_id, entry.campaign_id)


def galleries_of(org_id: int, campaign_id: int) -> list[Gallery]:
    """The organisation's galleries that could show the campaign's photos (or its products' links)."""
    query = select(Gallery).where(Gallery.org_id == org_id)
    return [
        gallery
        for gallery in db.session.scalars(query)
        if gallery.campaign_id in (None, campaign_id)
        and (gallery.product is None or gallery.product.campaign_id == campaign_id)
    ]


def newest_shown(campaign: Campaign, limit: int, *, batch: int = 50) -> list[Entry]:
    """A campaign's newest photos that a gallery of it would show (the same gate as `items`:
    `is_publishable(entry, "gallery")`), read in batches until `limit` pass, so the campaign page can
    show a few without loading every approved entry. (Brand page, issue 13.)"""
    query = (
        select(Entry)
        .where(
            Entry.org_id == campaign.org_id,
            Entry.campaign_id == campaign.id,
            Entry.status == EntryStatus.APPROVED,
        )
        .options(selectinload(Entry.derivatives), selectinload(Entry.consent), selectinload(Entry.campaign))
        .order_by(Entry.created_at.desc(), Entry.id.desc())
    )
    shown: list[Entry] = []
    offset = 0
    while True:
        rows = db.session.scalars(query.limit(batch).offset(offset)).all()
        shown += [entry for entry in rows if is_publishable(entry, "gallery")]
        if len(shown) >= limit or len(rows) < batch:
            return shown[:limit]
        offset += batch
