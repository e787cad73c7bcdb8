"""Pinning and ordering a gallery's photos by pointing at them (the editor's board), through the same
`update_gallery` as the settings form: one audit event per change, the same validation. A photo can only
be pinned while the gallery shows it (approved, consented, of its campaign, product and organisation)."""

from dataclasses import replace
from datetime import datetime

from flask_babel import lazy_gettext as _l

from campaign.audit.services import Actor
from campaign.galleries import services
from campaign.galleries.models import Gallery

MOVES = ("pin", "unpin", "up", "down")


def data_of(gallery: Gallery) -> services.GalleryData:
    return services.GalleryData(
        name=gallery.name,
        campaign=gallery.campaign,
        product=gallery.product,
        min_rating=gallery.min_rating,
        layout=gallery.layout,
        allowed_origins="\n".join(gallery.allowed_origins),
        pinned=list(gallery.pinned),
    )


def _shown(gallery: Gallery) -> set[str]:
    return {entry.public_id for entry in services.items(gallery)}


def moved(gallery: Gallery, move: str, entry_id: str) -> list[str]:
    """The pins after one step from the board's buttons (no change is saved here)."""
    pins = list(gallery.pinned)
    if move not in MOVES:
        raise services.InvalidGallery(_l("Unknown change to the photo order."), field="pinned")
    if move == "pin":
        if entry_id not in pins:
            if entry_id not in _shown(gallery):
                raise services.InvalidGallery(_l("This photo is not in the gallery."), field="pinned")
            pins.append(entry_id)
        return pins
    if entry_id not in pins:
        raise services.InvalidGallery(_l("This photo is not pinned."), field="pinned")
    if move == "unpin":
        return [pin for pin in pins if pin != entry_id]
    at = pins.index(entry_id)
    to = max(0, at - 1) if move == "up" else min(len(pins) - 1, at + 1)
    pins.insert(to, pins.pop(at))
    return pins


def reordered(gallery: Gallery, order: list[str]) -> list[str]:
    """The pins as dragged: every id must be a photo the gallery shows or one already pinned."""
    order = [i for i in dict.fromkeys(order) if i]
    allowed = set(gallery.pinned) | _shown(gallery)
    if any(i not in allowed for i in order):
        raise services.InvalidGallery(_l("This photo is not in the gallery."), field="pinned")
    if len(order) > services.MAX_ITEMS:
        raise services.InvalidGallery(
            _l("Pin at most %(max)s photos.", max=services.MAX_ITEMS), field="pinned"
        )
    return order


def save_pins(gallery: Gallery, pins: list[str], *, actor: Actor, now: datetime) -> Gallery:
    return services.update_gallery(gallery, replace(data_of(gallery), pinned=pins), actor=actor, now=now)
