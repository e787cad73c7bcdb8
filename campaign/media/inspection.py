"""inspect(): decide from content alone whether an upload is an accepted, whole image within the limits."""

from __future__ import annotations

from dataclasses import dataclass

from campaign.media.deadline import Deadline
from campaign.media.decoding import decode, draft_jpeg, frame_count, open_image
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
    timeout: float | None = None,
) -> Inspection:
    """Describe `data` if it is a whole JPEG, PNG, WebP or HEIF image within the limits, else MediaError."""
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
        deadline.check("open")
        # Only a decode proves the data whole (verify() skips JPEG scan data). At 1/8 scale libjpeg still
        # reads every entropy-coded segment, so truncation is caught for a fraction of the cost.
        draft_jpeg(im, (-(-width // 8), -(-height // 8)))
        decode(im, kind.name)
        deadline.check("decode")
    return Inspection(kind.name, kind.mime, kind.extension, width, height, frames)
