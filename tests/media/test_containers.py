"""inspect() proves an upload whole from its container, without decoding a pixel: what it catches, what it
accepts, and the memory it needs for a 40-megapixel image (flat, in the web process)."""

import io
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from campaign.media import MediaError, derive, inspect

from .samples import PNG_SIGNATURE, encode, heic, photo, png_chunk, shortened_vp8

PROJECT = Path(__file__).resolve().parents[2]


def rejection(data: bytes, **limits: int) -> MediaError:
    with pytest.raises(MediaError) as caught:
        inspect(data, **limits)
    return caught.value


@pytest.fixture(scope="module")
def picture():
    return photo(3, (320, 240))


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        chunks.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


def rebuilt_png(chunks: list[tuple[bytes, bytes]]) -> bytes:
    return PNG_SIGNATURE + b"".join(png_chunk(kind, body) for kind, body in chunks)


def with_image_data(data: bytes, change) -> bytes:
    """The PNG with its inflated image data passed through `change` and compressed again (CRCs valid)."""
    chunks = png_chunks(data)
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    others = [(kind, body) for kind, body in chunks if kind != b"IDAT"]
    return rebuilt_png([*others[:-1], (b"IDAT", zlib.compress(change(raw))), others[-1]])


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGB", "RGBA", "I;16"])
@pytest.mark.parametrize("interlace", [False, True])
def test_whole_pngs_of_every_colour_type_and_interlacing_are_accepted(picture, mode, interlace):
    im = picture.convert("I;16" if mode == "I;16" else mode)
    data = encode(im.resize((321, 239)), "PNG", interlace=interlace) if mode != "I;16" else encode(im, "PNG")
    assert inspect(data).format == "PNG"


def test_png_with_a_bad_crc_is_damaged(picture):
    data = bytearray(encode(picture, "PNG"))
    data[-20] ^= 0xFF  # inside the last IDAT: its CRC no longer matches
    error = rejection(bytes(data))
    assert (error.code, error.detail) == ("truncated", {"format": "PNG"})


def test_png_with_fewer_rows_than_its_header_is_damaged(picture):
    data = encode(picture, "PNG")
    assert rejection(with_image_data(data, lambda raw: raw[: len(raw) // 2])).code == "truncated"


def test_png_with_an_invalid_row_filter_is_damaged(picture):
    data = encode(picture, "PNG")
    row = 1 + 320 * 3
    assert rejection(
        with_image_data(data, lambda raw: raw[: 5 * row] + b"\x07" + raw[5 * row + 1 :])
    ).code == ("truncated")


def test_png_without_its_end_chunk_is_damaged(picture):
    data = encode(picture, "PNG")
    assert rejection(data[:-12]).code == "truncated"


def test_jpeg_without_its_end_marker_is_damaged(picture):
    data = encode(picture, "JPEG")
    assert data.endswith(b"\xff\xd9")
    assert rejection(data[:-2]).code == "truncated"


def test_lossless_and_lossy_webp_are_accepted(picture):
    assert inspect(encode(picture, "WEBP", lossless=True)).format == "WEBP"
    assert inspect(encode(picture, "WEBP", quality=80)).format == "WEBP"


def test_webp_whose_riff_claims_more_than_the_file_is_damaged(picture):
    data = encode(picture, "WEBP", quality=80)
    assert rejection(data[:-1]).code == "truncated"


def test_heif_whose_items_lie_past_the_end_is_damaged(picture):
    data = heic(picture)
    assert rejection(data[:-1]).code == "truncated"


def test_damage_inside_an_intact_container_fails_in_derive_with_its_reason(picture):
    """The web process accepts it; the bounded child that decodes it says why it cannot be used."""
    data = shortened_vp8(encode(picture, "WEBP", quality=80))
    inspection = inspect(data)
    with pytest.raises(MediaError) as caught:
        derive(data, inspection)
    assert (caught.value.code, caught.value.detail) == ("truncated", {"format": "WEBP"})


def test_a_photo_with_a_short_side_under_the_minimum_is_too_small(picture):
    error = rejection(encode(picture, "PNG"), min_side=241)
    assert (error.code, error.detail) == ("too_small", {"min_side": 241, "width": 320, "height": 240})
    assert inspect(encode(picture, "PNG"), min_side=240).height == 240


# Memory: a 39.7-megapixel image of flat colour is about 130 KB as PNG and 100 KB as WebP; decoding it
# needs 120-160 MB. Each is inspected in a fresh interpreter, whose peak resident size is compared with its
# peak before the call.

MAKE_LARGE = """
import sys, zlib, struct
from PIL import Image
path, fmt = sys.argv[1], sys.argv[2]
if fmt == "PNG":  # streamed, never a whole image in memory
    width = height = 6300
    row = b"\\0" + bytes((200, 80, 60)) * width
    deflate = zlib.compressobj(9)
    idat = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    open(path, "wb").write(data)
else:
    Image.new("RGB", (6300, 6300), (200, 80, 60)).save(path, "WEBP", quality=50, method=0)
"""

MEASURE = """
import io, resource, sys
from PIL import Image
from campaign.media import inspect
warm = io.BytesIO()
Image.new("RGB", (300, 300)).save(warm, "PNG")
inspect(warm.getvalue())  # imports and registers the plugins before measuring
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
found = inspect(data)
grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(found.format, found.width, found.height, grown_kib)
"""


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_inspecting_a_40_megapixel_image_needs_no_more_memory_than_its_file(tmp_path, fmt):
    path = tmp_path / f"large.{fmt.lower()}"
    subprocess.run([sys.executable, "-c", MAKE_LARGE, str(path), fmt], check=True, cwd=PROJECT)
    assert path.stat().st_size < 200_000
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], check=True, cwd=PROJECT, capture_output=True, text=True
    )
    found, width, height, grown_kib = result.stdout.split()
    assert (found, width, height) == (fmt, "6300", "6300")
    assert int(grown_kib) < 20 * 1024  # a decode would add 120 MB (RGB) to 160 MB (RGBA) at the least


def test_jpeg_with_stray_bytes_between_segments_is_accepted_as_pillow_does(picture):
    data = encode(picture, "JPEG")
    first_segment_end = 4 + struct.unpack_from(">H", data, 4)[0]
    stray = data[:first_segment_end] + b"\x00\x00" + data[first_segment_end:]
    with Image.open(io.BytesIO(stray)) as im:
        im.load()  # Pillow and libjpeg read it
    assert inspect(stray).format == "JPEG"
