"""Accepted formats, their names for the web, and recognising content we refuse."""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """An accepted format as the app names it."""

    name: str
    mime: str
    extension: str


ACCEPTED: dict[str, Format] = {
    "JPEG": Format("JPEG", "image/jpeg", "jpg"),
    "PNG": Format("PNG", "image/png", "png"),
    "WEBP": Format("WEBP", "image/webp", "webp"),
    "HEIF": Format("HEIF", "image/heic", "heic"),
}
# The only plugins Image.open may try; Pillow's JPEG plugin also opens MPO (multi-picture JPEG).
PILLOW_ALLOWLIST: tuple[str, ...] = ("JPEG", "PNG", "WEBP", "HEIF")
_FROM_PILLOW = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "HEIF"}

# Brands pillow-heif opens as HEIF; "avif"/"avis" are AV1, which we refuse.
HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1")
_OTHER_BRANDS = {b"avif": "AVIF", b"avis": "AVIF", b"crx ": "CR3", b"jxl ": "JXL"}

_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),
    (b"MM\x00+", "TIFF"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG2000"),
    (b"\xff\x4f\xff\x51", "JPEG2000"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "JXL"),
    (b"\xff\x0a", "JXL"),
    (b"8BPS", "PSD"),
    (b"qoif", "QOI"),
    (b"DDS ", "DDS"),
    (b"\x00\x00\x01\x00", "ICO"),
)


def from_pillow(pillow_format: str | None) -> Format:
    """Our Format for what Pillow opened (only ever an allowlisted plugin)."""
    return ACCEPTED[_FROM_PILLOW[pillow_format or ""]]


def sniff(data: bytes) -> tuple[str, bool] | None:
    """(format name, accepted?) from magic bytes alone, or None when the content is not a known image."""
    head = data[:32]
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG", True
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG", True
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP", True
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in HEIF_BRANDS:
            return "HEIF", True
        return (_OTHER_BRANDS[brand], False) if brand in _OTHER_BRANDS else None
    if head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00":  # BMP: reserved header bytes are zero
        return "BMP", False
    for magic, name in _OTHER_MAGIC:
        if head.startswith(magic):
            return name, False
    return None


@functools.cache
def register_heif() -> None:
    """Teach Pillow to open HEIF; runs once, on first use, never at import (it changes Pillow's registry)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
