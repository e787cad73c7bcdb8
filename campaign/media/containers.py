"""Proving an upload whole from its container alone, in bounded memory: no pixel is decoded here.

The web process runs this on every upload, so its memory must not grow with the pixel count (a 40 MP PNG of
a few hundred KB would otherwise cost 200 MB per request). PNG is proved completely: every chunk's CRC, and
the image data inflated in 1 MB steps to exactly the rows the header promises, each with a valid filter.
JPEG, WebP and HEIF are proved by their structure: every segment, chunk or box present, every coded extent
inside the file. The full decode happens once, in the bounded child that derives the web versions; a photo
whose coded data is damaged inside an intact container fails there, with its reason.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator

from campaign.media.errors import MediaError

_STEP = 1024 * 1024  # bytes inflated at a time
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RST0-7 carry no length
_WEBP_IMAGE_CHUNKS = {b"VP8 ", b"VP8L", b"ANMF"}
# Inside scan data 0xFF is followed by 0x00 (stuffing), a restart marker or more 0xFF; anything else ends it.
# The last 0xFF of a run (fill bytes) followed by a marker's code: not a stuffed 0x00, not a restart marker.
# One literal byte first lets the regex engine skip ahead in C; `\xff+` first tried every 0xFF run and
# made a 12 MP photo's check 50 times slower, for the same match.
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


class _Damaged(Exception):
    """Raised inside this module; check_whole turns it into MediaError("truncated")."""


def check_whole(data: bytes, format_name: str) -> None:
    """MediaError("truncated") unless `data`'s container is whole; `format_name` as in formats.ACCEPTED."""
    checks = {"JPEG": _jpeg, "PNG": _png, "WEBP": _webp, "HEIF": _heif}
    try:
        checks[format_name](memoryview(data))
    except (_Damaged, IndexError, struct.error, zlib.error) as exc:
        raise MediaError("truncated", {"format": format_name}) from exc


def _require(condition: bool) -> None:
    if not condition:
        raise _Damaged


# PNG


def _png(data: memoryview) -> None:
    pos = 8
    rows: Iterator[int] | None = None
    inflater = zlib.decompressobj()
    expected = inflated = 0
    next_filter = 0  # offset, in the inflated stream, of the next row's filter byte
    idat_done = False
    while True:
        length, kind = struct.unpack_from(">I4s", data, pos)
        end = pos + 8 + length
        _require(end + 4 <= len(data))
        (crc,) = struct.unpack_from(">I", data, end)
        _require(zlib.crc32(data[pos + 4 : end]) == crc)
        payload = data[pos + 8 : end]
        if kind == b"IHDR":
            width, height, depth, colour, _compression, _filter, interlace = struct.unpack(
                ">IIBBBBB", payload
            )
            passes = _png_passes(width, height, depth * _PNG_CHANNELS[colour], interlace)
            rows = _png_rows(passes)
            expected = sum(lines * row for lines, row in passes)
        elif kind == b"IDAT":
            _require(rows is not None and not idat_done)
            chunk = payload
            while inflated < expected:
                out = inflater.decompress(chunk, _STEP)  # at most 1 MB out at a time
                chunk = inflater.unconsumed_tail
                if not out:
                    break  # this chunk is used up; zlib holds no more output for now
                next_filter = _check_filters(out, inflated, next_filter, rows)
                inflated += len(out)
        elif inflated:
            idat_done = True  # image data chunks must be consecutive
        if kind == b"IEND":
            break
        pos = end + 4
    _require(expected > 0 and inflated >= expected)


def _png_passes(width: int, height: int, bits: int, interlace: int) -> list[tuple[int, int]]:
    """(rows, bytes per row with its filter byte) of each non-empty pass, in stream order."""
    passes = []
    for x0, y0, dx, dy in _ADAM7 if interlace else ((0, 0, 1, 1),):
        columns, lines = -(-(width - x0) // dx), -(-(height - y0) // dy)
        if columns > 0 and lines > 0:
            passes.append((lines, 1 + (columns * bits + 7) // 8))
    return passes


def _png_rows(passes: list[tuple[int, int]]) -> Iterator[int]:
    for lines, row in passes:
        for _ in range(lines):
            yield row


def _check_filters(out: bytes, start: int, next_filter: int, rows: Iterator[int]) -> int:
    """Checks the filter bytes (0-4) of the rows starting in `out`; returns the next one's offset."""
    end = start + len(out)
    while next_filter < end:
        _require(out[next_filter - start] <= 4)
        row = next(rows, None)
        if row is None:  # bytes past the last row: never read by a decoder
            return end
        next_filter += row
    return next_filter


# JPEG


def _jpeg(data: memoryview) -> None:
    _require(data[0] == 0xFF and data[1] == 0xD8)
    raw = data.obj
    pos, frame, scans = 2, False, 0
    while True:
        pos = raw.find(b"\xff", pos)  # stray bytes before a marker are skipped, as libjpeg and Pillow do
        _require(pos >= 0)
        while data[pos] == 0xFF:  # fill bytes
            pos += 1
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            break
        if marker in _JPEG_STANDALONE:
            continue
        (length,) = struct.unpack_from(">H", data, pos)
        _require(length >= 2 and pos + length <= len(data))
        frame = frame or marker in (
            0xC0,
            0xC1,
            0xC2,
            0xC3,
            0xC5,
            0xC6,
            0xC7,
            0xC9,
            0xCA,
            0xCB,
            0xCD,
            0xCE,
            0xCF,
        )
        pos += length
        if marker == 0xDA:
            _require(frame)
            scans += 1
            pos = _end_of_scan(raw, pos)
    _require(scans > 0)


def _end_of_scan(raw: bytes, pos: int) -> int:
    """The offset of the marker that ends the entropy-coded data starting at `pos` (searched in C: a scan
    of stuffed 0xFF 0x00 pairs costs no Python loop)."""
    match = _SCAN_END.search(raw, pos)
    _require(match is not None)
    return match.start()  # the 0xFF just before the marker's code


# WebP


def _webp(data: memoryview) -> None:
    (riff_size,) = struct.unpack_from("<I", data, 4)
    end = 8 + riff_size
    _require(end <= len(data))
    pos, images = 12, 0
    while pos < end:
        kind = bytes(data[pos : pos + 4])
        (size,) = struct.unpack_from("<I", data, pos + 4)
        payload = pos + 8
        _require(payload + size <= end)
        if kind == b"VP8 ":
            tag = int.from_bytes(data[payload : payload + 3], "little")
            first_partition = tag >> 5
            _require(tag & 1 == 0 and bytes(data[payload + 3 : payload + 6]) == b"\x9d\x01\x2a")
            _require(10 + first_partition <= size)
        elif kind == b"VP8L":
            _require(size >= 5 and data[payload] == 0x2F)
        images += kind in _WEBP_IMAGE_CHUNKS
        pos = payload + size + (size & 1)
    _require(images > 0)


# HEIF (ISO base media file format)


def _boxes(data: memoryview, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) of the boxes in data[start:end]; stops at a malformed box."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            return
        yield kind, pos + header, pos + size
        pos += size


def _heif(data: memoryview) -> None:
    meta = next(((s, e) for kind, s, e in _boxes(data, 0, len(data)) if kind == b"meta"), None)
    _require(meta is not None)
    start, end = meta
    iloc = next(((s, e) for kind, s, e in _boxes(data, start + 4, end) if kind == b"iloc"), None)
    _require(iloc is not None)
    for offset, length in _iloc_extents(data, *iloc):
        _require(offset + length <= len(data))


def _iloc_extents(data: memoryview, pos: int, end: int) -> Iterator[tuple[int, int]]:
    """(file offset, length) of every item extent stored in the file itself (construction method 0)."""
    version = data[pos]
    pos += 4
    offset_size, length_size = data[pos] >> 4, data[pos] & 0xF
    base_offset_size, index_size = data[pos + 1] >> 4, (data[pos + 1] & 0xF if version in (1, 2) else 0)
    pos += 2
    count, pos = _uint(data, pos, 2 if version < 2 else 4)
    for _ in range(count):
        _item, pos = _uint(data, pos, 2 if version < 2 else 4)
        method = 0
        if version in (1, 2):
            method, pos = _uint(data, pos, 2)
            method &= 0xF
        pos += 2  # data reference index
        base, pos = _uint(data, pos, base_offset_size)
        extents, pos = _uint(data, pos, 2)
        for _ in range(extents):
            pos += index_size
            offset, pos = _uint(data, pos, offset_size)
            length, pos = _uint(data, pos, length_size)
            _require(pos <= end)
            if method == 0:
                yield base + offset, length


def _uint(data: memoryview, pos: int, size: int) -> tuple[int, int]:
    return int.from_bytes(data[pos : pos + size], "big"), pos + size
