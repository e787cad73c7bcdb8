"""inspect(): decide from content alone whether an upload is an accepted, whole image within the limits.

It reads headers and containers only, in memory that does not grow with the pixel count, so the web process
can run it on every upload; the pixels are decoded once, by derive() in its bounded child.
"""

from __future__ import annotations

from dataclasses import dataclass

from campaign.media.containers import check_whole
from campaign.media.deadline import Deadline
from campaign.media.decoding import frame_count, open_image
from campaign.media.errors import MediaError
from campaign.media.formats import from_pillow

MAX_PIXELS = 40_000_000
MAX_BYTES = 20 * 1024 * 1024
MAX_FRAMES = 100


@dataclass(frozen=True)
class Inspection:
    """An accepted upload; width and height as stored (HEIF: libheif has already applied its rotation)."""

    format: str
    mime: str
    extension: str
    width: int
    height: int
    frames: int


def inspect(
    data: bytes,
    *,
    max_pixels: int = MAX_PIXELS,
    max_bytes: int = MAX_BYTES,
    max_frames: int = MAX_FRAMES,
    min_side: int = 1,
    max_aspect: int = 0,
    timeout: float | None = None,
) -> Inspection:
    """Describe `data` if it is a whole JPEG, PNG, WebP or HEIF image within the limits, else MediaError.

    `min_side`: the fewest pixels the shorter side may have; `max_aspect`: how many times the shorter side
    the longer one may be (0: any).
    """
    deadline = Deadline(timeout)
    if not data:
        raise MediaError("empty")
    if len(data) > max_bytes:
        raise MediaError("too_large", {"max_bytes": max_bytes, "bytes": len(data)})
    with open_image(data, max_pixels) as im:
        kind = from_pillow(im.format)
        width, height = im.size
        frames = frame_count(im)
        if frames > max_frames:
            raise MediaError("too_many_frames", {"max_frames": max_frames, "frames": frames})
    if min(width, height) < min_side:
        raise MediaError("too_small", {"min_side": min_side, "width": width, "height": height})
    if max_aspect and max(width, height) > max_aspect * min(width, height):
        raise MediaError("too_narrow", {"max_aspect": max_aspect, "width": width, "height": height})
    deadline.check("open")
    check_whole(data, kind.name)
    deadline.check("container")
    return Inspection(kind.name, kind.mime, kind.extension, width, height, frames)
