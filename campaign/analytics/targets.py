"""What the event endpoint needs to know about a gallery, cached briefly per process: its ids, allowed
origins, the organisation's time zone, the photos it shows and their products. One query per gallery per
minute at most, so the hot path does no database work."""

import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from campaign.api.responses import LruCache
from campaign.extensions import db

TTL = 60.0  # seconds: a gallery's new photo or origin counts within a minute


@dataclass(frozen=True)
class Target:
    id: int
    org_id: int
    origins: frozenset[str]
    zone: ZoneInfo
    photos: dict[str, int]  # entry public id -> entry id, for the photos the gallery shows
    products: dict[str, int]  # product public id, SKU or JAN -> product id (the gallery's campaigns)


_targets = LruCache(size=4096)  # public id -> (expires, Target or None)


def _load(public_id: str) -> Target | None:
    from campaign.galleries import services as galleries
    from campaign.galleries.models import Gallery
    from campaign.orgs.models import Organisation

    gallery = db.session.scalar(select(Gallery).where(Gallery.public_id == public_id))
    if gallery is None:
        return None
    org = db.session.get(Organisation, gallery.org_id)
    entries = galleries.items(gallery)
    products: dict[str, int] = {}
    for entry in entries:
        for product in entry.campaign.products:
            for name in (product.public_id, product.sku, product.jan):
                if name:
                    products.setdefault(name, product.id)
    return Target(
        id=gallery.id,
        org_id=gallery.org_id,
        origins=frozenset(gallery.allowed_origins),
        zone=ZoneInfo(org.timezone if org else "Asia/Tokyo"),
        photos={entry.public_id: entry.id for entry in entries},
        products=products,
    )


def target(public_id: str, app) -> Target | None:
    """The gallery's Target, or None when there is no such gallery (remembered for a minute too)."""
    found = _targets.get(public_id)
    if found is not None and found[0] > time.monotonic():
        return found[1]
    with app.app_context():
        loaded = _load(public_id)
        db.session.remove()
    _targets.put(public_id, (time.monotonic() + TTL, loaded))
    return loaded


def forget_all() -> None:
    """Tests and the studio: the next event reads each gallery afresh."""
    with _targets.lock:
        _targets.items.clear()
