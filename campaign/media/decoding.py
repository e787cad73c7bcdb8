"""Opening untrusted bytes with Pillow: allowlisted plugins, limits from the header, MediaError on failure."""

from __future__ import annotations

import io
import re
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageFile

from campaign.media.errors import MediaError
from campaign.media.formats import PILLOW_ALLOWLIST, register_heif, sniff

# What Pillow and pillow-heif raise on malformed or incomplete data while parsing or decoding.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


@contextmanager
def open_image(data: bytes, max_pixels: int | None) -> Iterator[ImageFile.ImageFile]:
    """Yield `data` opened, not decoded, its size within `max_pixels` (None: checked by the caller)."""
    register_heif()
    with _input_warnings_ignored():
        try:
            im = Image.open(io.BytesIO(data), formats=PILLOW_ALLOWLIST)
        except Image.DecompressionBombError as exc:  # beyond twice Pillow's own limit: refused in the header
            raise MediaError("too_many_pixels", _bomb_detail(str(exc), max_pixels or 0)) from None
        except DECODE_ERRORS as exc:  # includes UnidentifiedImageError
            raise unopenable(data) from exc
        with im:
            if getattr(im, "custom_mimetype", None) in ("image/avif", "image/avif-sequence"):
                raise MediaError("unsupported_format", {"format": "AVIF"})  # AV1 inside a generic HEIF brand
            if max_pixels is not None:
                check_pixels(im.size, max_pixels)
            yield im


@contextmanager
def _input_warnings_ignored() -> Iterator[None]:
    """Silence Pillow's warnings about malformed input it copes with: they describe the upload, not a bug."""
    # E.g. corrupt EXIF, an invalid APNG, a malformed MPO, and the decompression-bomb warning that
    # check_pixels replaces.
    # catch_warnings swaps process-wide state (until Python 3.14): under threads such a warning may now and
    # then be shown, or these two filters outlive the block; neither changes any result.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
        warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
        yield


def unopenable(data: bytes) -> MediaError:
    """Why no allowlisted plugin could open `data`: a refused format, a damaged accepted one, or no image."""
    sniffed = sniff(data)
    if sniffed is None:
        return MediaError("not_an_image")
    name, accepted = sniffed
    return MediaError("truncated" if accepted else "unsupported_format", {"format": name})


def check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    """Refuse a canvas larger than `max_pixels`, judged from the header before anything is allocated."""
    pixels = size[0] * size[1]
    if pixels > max_pixels:
        detail = {"max_pixels": max_pixels, "pixels": pixels, "width": size[0], "height": size[1]}
        raise MediaError("too_many_pixels", detail)


def frame_count(im: Image.Image) -> int:
    """Frames (APNG, animated WebP), pictures (MPO) or top-level images (HEIF); 1 for a still image."""
    return int(getattr(im, "n_frames", 1))


def draft_jpeg(im: ImageFile.ImageFile, size: tuple[int, int]) -> None:
    """Let a JPEG decode at the smallest DCT scale (1/8 to 1) still covering `size`; no-op otherwise."""
    # HEIF's draft would decode an embedded thumbnail, which need not show the same picture: never used.
    if im.format in ("JPEG", "MPO"):
        im.draft(None, size)


def decode(im: ImageFile.ImageFile, format_name: str) -> None:
    """Decode the current frame; incomplete or corrupt data raises MediaError("truncated")."""
    try:
        im.load()
    except DECODE_ERRORS as exc:
        raise MediaError("truncated", {"format": format_name}) from exc


def _bomb_detail(message: str, max_pixels: int) -> dict[str, int]:
    match = _BOMB_PIXELS.search(message)
    return {"max_pixels": max_pixels} | ({"pixels": int(match[1])} if match else {})
