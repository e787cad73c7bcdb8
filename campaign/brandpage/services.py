"""Brand page rules: the brand colour and its text colour, and brand images through the media pipeline.

An image is inspected and derived (in the bounded child) before anything is stored, so a bad file changes
nothing; its renditions are stored under content-addressed public keys tied to the transaction
(pending_objects), so a save that fails leaves no object behind.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign import media, pending_objects
from campaign.brandpage.models import BRAND_IMAGES, BrandImage
from campaign.campaigns.models import Campaign, Prize
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.storage.base import Storage, StorageError

EXTENSIONS = {"jpeg": "jpg", "webp": "webp"}
MIN_SIDE = 64

IMAGE_MESSAGES = {
    "empty": _l("The file is empty. Please choose the image again."),
    "too_large": _l("The image is larger than %(max_mb)s MB. Please choose a smaller file."),
    "not_an_image": _l("This file is not an image. Please choose a JPEG, PNG, WebP or HEIC image."),
    "unsupported_format": _l(
        "%(format)s files are not accepted. Please choose a JPEG, PNG, WebP or HEIC image."
    ),
    "truncated": _l("The image file is incomplete or damaged. Please upload it again."),
    "too_many_pixels": _l("The image has too many pixels (at most %(max_mp)s megapixels)."),
    "too_many_frames": _l("Animated images are not accepted."),
    "too_small": _l("The image is too small: its shorter side must be at least %(min_side)s pixels."),
    "timeout": _l("The image took too long to process. Please choose a smaller one."),
    "out_of_memory": _l("The image is too complex to process. Please choose a smaller one."),
}


class InvalidImage(DomainError):
    code = "invalid_image"


class ImageStorageFailed(DomainError):
    status = 503
    code = "brand_image_storage"
    message = _l(
        "The images could not be saved just now (storage did not answer). Nothing changed; try again."
    )


@dataclass(frozen=True)
class PreparedImage:
    """An accepted upload's renditions, not stored yet."""

    derived: media.Derived


def prepare(data: bytes, bounds: media.Bounds) -> PreparedImage:
    """Inspects and derives an uploaded image; InvalidImage (translated) for anything we do not accept."""
    max_mb = bounds.max_bytes // (1024 * 1024)
    try:
        media.inspect(data, max_pixels=bounds.max_pixels, max_bytes=bounds.max_bytes, min_side=MIN_SIDE)
        derived = media.derive_bounded(data, bounds)
    except media.MediaError as exc:
        params = {
            "max_mb": max_mb,
            "max_mp": bounds.max_pixels // 1_000_000,
            "format": exc.detail.get("format", "?"),
            "min_side": MIN_SIDE,
        }
        raise InvalidImage(IMAGE_MESSAGES[exc.code], **params) from exc
    return PreparedImage(derived)


def store(prepared: PreparedImage, org_id: int, storage: Storage) -> BrandImage:
    """Writes the renditions (skipping ones already stored) and adds the row; the caller commits."""
    renditions = []
    try:
        for item in prepared.derived.derivatives:
            key = f"{BRAND_IMAGES}{item.sha256}.{EXTENSIONS[item.format]}"
            # Another image may share it: only an object we stored is ours (to delete if we roll back).
            if storage.put_if_absent(key, item.data, content_type=item.content_type):
                pending_objects.track(db.session, storage, key)
            renditions.append(
                {
                    "size": item.size,
                    "format": item.format,
                    "width": item.width,
                    "height": item.height,
                    "key": key,
                }
            )
    except StorageError as exc:
        raise ImageStorageFailed() from exc
    image = BrandImage(
        org_id=org_id,
        width=prepared.derived.width,
        height=prepared.derived.height,
        placeholder_color=prepared.derived.placeholder_color,
        renditions=renditions,
    )
    db.session.add(image)
    return image


def attach(
    campaign: Campaign,
    storage: Storage,
    *,
    hero: PreparedImage | None = None,
    logo: PreparedImage | None = None,
    prizes: dict[int, PreparedImage] | None = None,
) -> list[str]:
    """Stores and attaches the prepared images (prizes by position); returns what changed, for the audit.
    A replaced image no campaign or prize shows any more is forgotten (its objects go at `storage gc`)."""
    changed, replaced = [], []
    if hero is not None:
        replaced.append(campaign.hero_image)
        campaign.hero_image = store(hero, campaign.org_id, storage)
        changed.append("hero_image")
    if logo is not None:
        replaced.append(campaign.logo_image)
        campaign.logo_image = store(logo, campaign.org_id, storage)
        changed.append("logo_image")
    for position, prepared in (prizes or {}).items():
        prize: Prize = campaign.prizes[position]
        replaced.append(prize.image)
        prize.image = store(prepared, campaign.org_id, storage)
        changed.append(f"prizes[{position}].image")
    db.session.flush()
    _forget_unused(replaced)
    return changed


def detach(campaign: Campaign, *, hero: bool = False, logo: bool = False) -> list[str]:
    """Removes the hero image or the logo from the campaign page; returns what changed, for the audit."""
    changed, removed = [], []
    if hero and campaign.hero_image is not None:
        removed.append(campaign.hero_image)
        campaign.hero_image = None
        changed.append("hero_image")
    if logo and campaign.logo_image is not None:
        removed.append(campaign.logo_image)
        campaign.logo_image = None
        changed.append("logo_image")
    db.session.flush()
    _forget_unused(removed)
    return changed


def _shown() -> set[int]:
    """The ids of brand images some campaign or prize shows (a duplicated campaign shares its images)."""
    ids = select(Campaign.hero_image_id).union(select(Campaign.logo_image_id), select(Prize.image_id))
    return {image_id for image_id in db.session.scalars(ids) if image_id is not None}


def _forget_unused(images: list[BrandImage | None]) -> None:
    shown = _shown()
    for image in images:
        if image is not None and image.id not in shown:
            db.session.delete(image)
    db.session.flush()


def referenced_keys(keys: list[str]) -> set[str]:
    """Which of these keys a brand image that is shown points at (for `flask storage gc`)."""
    wanted = {key for key in keys if key.startswith(BRAND_IMAGES)}
    if not wanted:
        return set()
    found: set[str] = set()
    shown = select(BrandImage.renditions).where(BrandImage.id.in_(_shown()))
    for renditions in db.session.scalars(shown):
        found |= {r["key"] for r in renditions} & wanted
    return found
