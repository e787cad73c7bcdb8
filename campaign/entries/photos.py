"""What the customer is told about the photo: why the form refused it, and why processing could not use it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from campaign import media
from campaign.entries.models import Entry, EntryStatus, Processing

if TYPE_CHECKING:
    from campaign.entries.services import Limits

PHOTO_MISSING = _l("Please choose a photo.")
PHOTO_MESSAGES = {
    "empty": _l("The photo file is empty. Please choose the photo again."),
    "too_large": _l("The photo is larger than %(max_mb)s MB. Please choose a smaller photo."),
    "not_an_image": _l("This file is not a photo. Please choose a JPEG, PNG, WebP or HEIC photo."),
    "unsupported_format": _l(
        "%(format)s files are not accepted. Please choose a JPEG, PNG, WebP or HEIC photo."
    ),
    "truncated": _l(
        "The photo file is incomplete or damaged. Please choose it again; if this message comes back, "
        "choose another photo."
    ),
    "too_many_pixels": _l("The photo has too many pixels (at most %(max_mp)s megapixels)."),
    "too_many_frames": _l("Animated images with this many frames are not accepted."),
    "too_small": _l(
        "The photo is too small (%(width)s × %(height)s pixels). Please send a photo whose shorter side is "
        "at least %(min_side)s pixels."
    ),
    "too_narrow": _l(
        "The photo is too long and narrow (%(width)s × %(height)s pixels). Please send a photo whose longer "
        "side is at most %(max_aspect)s times its shorter side."
    ),
    "timeout": _l("The photo took too long to process. Please try a smaller photo."),
    "out_of_memory": _l("The photo is too complex to process. Please try a smaller photo."),
}


def refusal(exc: media.MediaError, limits: Limits) -> str:
    """The form's message for a photo `media.inspect` refused, with the limit it broke."""
    params = {
        "max_mb": limits.max_bytes // (1024 * 1024),
        "max_mp": limits.max_pixels // 1_000_000,
        "format": exc.detail.get("format", "?"),
        "min_side": limits.min_side,
        "max_aspect": limits.max_aspect,
        "width": exc.detail.get("width", "?"),
        "height": exc.detail.get("height", "?"),
    }
    return str(PHOTO_MESSAGES[exc.code]) % params


PROCESSING_PROBLEMS = {
    "truncated": _l(
        "We could not read your photo: the file is incomplete or damaged. To send it again, first withdraw "
        "this entry, then enter again on the campaign page."
    ),
    "too_big": _l(
        "Your photo was too large or too complex for us to process. To send another, first withdraw this "
        "entry, then enter again on the campaign page."
    ),
}


def photo_problem(entry: Entry) -> str | None:
    """Why the customer's photo could not be used, once processing failed (the full decode found damage the
    container hid, or the photo broke a bound); None otherwise."""
    if entry.processing is not Processing.FAILED or entry.status is EntryStatus.WITHDRAWN:
        return None
    too_big = entry.processing_error in ("timeout", "out_of_memory")
    return str(PROCESSING_PROBLEMS["too_big" if too_big else "truncated"])
