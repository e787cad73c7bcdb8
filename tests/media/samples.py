"""Inputs made in the test run (no binary fixtures), and parsers that look inside encoded outputs."""

from __future__ import annotations

import io
import random
import struct
import zlib

import pillow_heif
from PIL import Image, ImageCms, ImageDraw, ImageFilter

from campaign.media import Derivative, Derived

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Segments a metadata-free baseline or progressive JPEG may contain (APP0 only as JFIF).
JPEG_ALLOWED = {0xD8: "SOI", 0xDB: "DQT", 0xC0: "SOF0", 0xC1: "SOF1", 0xC2: "SOF2", 0xC4: "DHT"}
JPEG_ALLOWED |= {0xDA: "SOS", 0xD9: "EOI", 0xDD: "DRI", 0xE0: "APP0"}
WEBP_ALLOWED = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}
VP8X_METADATA_FLAGS = 0x20 | 0x08 | 0x04  # ICC, EXIF, XMP
RED, GREEN, BLUE, YELLOW, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (255, 255, 255)


def photo(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A seeded photo-like RGB image: gradients, soft shapes and grain (never flat, never pure noise)."""
    rnd = random.Random(seed)
    width, height = size
    small = (width // 4, height // 4)
    channels = [Image.linear_gradient("L").rotate(rnd.uniform(0, 360)).resize(small) for _ in range(3)]
    scene = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(scene)
    for _ in range(25):
        x, y, s = rnd.randrange(small[0]), rnd.randrange(small[1]), rnd.randrange(5, small[0] // 3)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        if rnd.random() < 0.5:
            draw.ellipse((x, y, x + s, y + s), fill=colour)
        else:
            draw.polygon(
                [(x + rnd.randrange(-s, s), y + rnd.randrange(-s, s)) for _ in range(4)], fill=colour
            )
    scene = scene.filter(ImageFilter.GaussianBlur(1)).resize(size, Image.Resampling.BICUBIC)
    grain = Image.frombytes("L", size, rnd.randbytes(width * height)).convert("RGB")
    return Image.blend(scene, grain, 0.1)


def encode(im: Image.Image, fmt: str, **params: object) -> bytes:
    """`im` saved by Pillow as `fmt`."""
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def heic(im: Image.Image, **params: object) -> bytes:
    """`im` as HEIC (8-bit) written by pillow-heif; `params` as for its save (exif, xmp, quality)."""
    pillow_heif.register_heif_opener()
    return encode(im, "HEIF", **({"quality": 90} | params))


def heic_16(mode: str, size: tuple[int, int], pixels: bytes) -> bytes:
    """A 10-bit HEIC from 16-bit little-endian samples (`mode` "RGB;16" or "RGBA;16")."""
    out = io.BytesIO()
    pillow_heif.from_bytes(mode=mode, size=size, data=pixels).save(out, quality=95)
    return out.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk with its length and CRC."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def raw_png(width: int, height: int, *, bit_depth: int = 8, colour_type: int = 0, idat: bytes = b"") -> bytes:
    """A PNG assembled by hand, so the header can claim anything (16-bit RGB, 30000x30000)."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    chunks = png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    return PNG_SIGNATURE + chunks


def shortened_vp8(data: bytes) -> bytes:
    """A lossy WebP whose VP8 data stops just after the first partition, its sizes rewritten to match: an
    intact container around coded data a decoder cannot finish."""
    chunk = data.index(b"VP8 ")
    first_partition = int.from_bytes(data[chunk + 8 : chunk + 11], "little") >> 5
    keep = 10 + first_partition + 4
    body = data[chunk + 8 : chunk + 8 + keep]
    riff = b"WEBP" + b"VP8 " + struct.pack("<I", keep) + body + b"\0" * (keep & 1)
    return b"RIFF" + struct.pack("<I", len(riff)) + riff


def swapped_primaries_profile() -> bytes:
    """An sRGB profile whose red and blue colorants are exchanged: a stored red pixel means blue."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[84:100] = bytes(16)  # profile ID: zero means "not computed"
    (count,) = struct.unpack_from(">I", data, 128)
    swap = {b"rXYZ": b"bXYZ", b"bXYZ": b"rXYZ"}
    for entry in range(132, 132 + 12 * count, 12):
        signature = bytes(data[entry : entry + 4])
        data[entry : entry + 4] = swap.get(signature, signature)
    return bytes(data)


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) for every segment from SOI to EOI; asserts nothing follows EOI."""
    assert data[:2] == b"\xff\xd8", "no SOI"
    segments: list[tuple[int, bytes]] = [(0xD8, b"")]
    at = 2
    while True:
        assert data[at] == 0xFF, f"no marker at {at}"
        marker = data[at + 1]
        at += 2
        if marker == 0xD9:
            segments.append((marker, b""))
            break
        (length,) = struct.unpack_from(">H", data, at)
        segments.append((marker, data[at + 2 : at + length]))
        at += length
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not FF00 or RSTn
            while not (data[at] == 0xFF and data[at + 1] not in (0x00, *range(0xD0, 0xD8))):
                at += 1
    assert at == len(data), f"{len(data) - at} bytes after EOI"
    return segments


def riff_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(fourcc, payload) for every chunk of a WebP; asserts the RIFF size covers the file exactly."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    assert int.from_bytes(data[4:8], "little") == len(data) - 8, "RIFF size does not match the file"
    chunks = []
    at = 12
    while at < len(data):
        kind, size = data[at : at + 4], int.from_bytes(data[at + 4 : at + 8], "little")
        chunks.append((kind, data[at + 8 : at + 8 + size]))
        at += 8 + size + (size & 1)
    assert at == len(data)
    return chunks


def pick(derived: Derived, size: str, fmt: str = "jpeg") -> Derivative:
    """The derivative of one size and format."""
    (found,) = (d for d in derived.derivatives if d.size == size and d.format == fmt)
    return found


def opened(derivative: Derivative) -> Image.Image:
    """A derivative decoded by Pillow, as RGB."""
    with Image.open(io.BytesIO(derivative.data)) as im:
        return im.convert("RGB")


def centre(derived: Derived, fmt: str = "jpeg") -> tuple[int, ...]:
    """Colour at the centre of the smallest derivative in `fmt`."""
    im = opened(pick(derived, "sm", fmt))
    return im.getpixel((im.width // 2, im.height // 2))


def close_to(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    """Colours equal within `tolerance` per channel (lossy codecs, chroma subsampling)."""
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))
