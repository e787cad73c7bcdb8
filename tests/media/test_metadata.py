"""Derivatives carry no metadata at all, proven by walking the JPEG segments and WebP chunks of the output."""

import io

import pytest
from PIL import ExifTags, Image, PngImagePlugin

from campaign.media import derive

from .samples import (
    JPEG_ALLOWED,
    VP8X_METADATA_FLAGS,
    WEBP_ALLOWED,
    encode,
    heic,
    jpeg_segments,
    photo,
    riff_chunks,
    swapped_primaries_profile,
)

SECRETS = (b"<script", b"SECRET", b"Photoshop", b"8BIM", b"xmpmeta", b"Exif\0\0", b"ICC_PROFILE", b"Canon")
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>SECRET 35.6586 139.7454</rdf:RDF></x:xmpmeta>'


def secret_exif() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Artist] = "SECRET Person"
    exif[ExifTags.Base.Orientation] = 1
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", (35.0, 39.0, 31.0)
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", (139.0, 44.0, 43.0)
    return exif.tobytes()


def iptc_segment() -> bytes:
    """APP13 with a Photoshop IRB holding an IPTC caption."""
    caption = b"SECRET caption"
    iptc = b"\x1c\x02\x78" + len(caption).to_bytes(2, "big") + caption
    block = b"8BIM\x04\x04\x00\x00" + len(iptc).to_bytes(4, "big") + iptc
    body = b"Photoshop 3.0\x00" + block
    return b"\xff\xed" + (len(body) + 2).to_bytes(2, "big") + body


def jpeg_everything() -> bytes:
    data = encode(
        photo(7, (640, 480)),
        "JPEG",
        quality=90,
        exif=secret_exif(),
        xmp=XMP,
        icc_profile=swapped_primaries_profile(),
        comment=b"<script>alert(1)</script>",
        extra=iptc_segment(),
    )
    return data + b"SECRET trailing bytes" + bytes(1024 * 1024)


def png_everything() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "SECRET Person")
    info.add_itxt("Description", "<script>alert(1)</script>", lang="en")
    profile = swapped_primaries_profile()
    return encode(photo(8, (640, 480)), "PNG", pnginfo=info, exif=secret_exif(), icc_profile=profile)


def webp_everything() -> bytes:
    return encode(
        photo(9, (640, 480)), "WEBP", exif=secret_exif(), xmp=XMP, icc_profile=swapped_primaries_profile()
    )


def heic_everything() -> bytes:
    return heic(photo(10, (640, 480)), exif=secret_exif(), xmp=XMP)


def mpo_everything() -> bytes:
    first, second = photo(11, (640, 480)), photo(12, (640, 480))
    return encode(first, "MPO", save_all=True, append_images=[second], exif=secret_exif())


CORPUS = {
    "jpeg": jpeg_everything,
    "png": png_everything,
    "webp": webp_everything,
    "heic": heic_everything,
    "mpo": mpo_everything,
}


@pytest.fixture(scope="module", params=sorted(CORPUS))
def derived(request):
    data = CORPUS[request.param]()
    assert b"SECRET" in data  # the sample really carries what must not leak
    return derive(data)


def test_corpus_sources_carry_metadata():
    segments = {marker for marker, _ in jpeg_segments(jpeg_everything().split(b"SECRET trailing")[0])}
    assert {0xE1, 0xE2, 0xED, 0xFE} <= segments  # EXIF/XMP, ICC, IPTC, COM
    assert {b"EXIF", b"XMP ", b"ICCP"} <= {kind for kind, _ in riff_chunks(webp_everything())}
    assert all(kind in png_everything() for kind in (b"tEXt", b"iTXt", b"eXIf", b"iCCP"))


def test_jpeg_derivatives_hold_only_image_segments(derived):
    for derivative in derived.derivatives:
        if derivative.format != "jpeg":
            continue
        segments = jpeg_segments(derivative.data)  # also fails on anything after EOI
        for marker, payload in segments:
            assert marker in JPEG_ALLOWED, f"{derivative.size}: segment FF{marker:02X}"
            if marker == 0xE0:
                assert payload.startswith(b"JFIF\0")


def test_webp_derivatives_hold_only_image_chunks(derived):
    for derivative in derived.derivatives:
        if derivative.format != "webp":
            continue
        for kind, payload in riff_chunks(derivative.data):
            assert kind in WEBP_ALLOWED, f"{derivative.size}: chunk {kind!r}"
            if kind == b"VP8X":
                assert payload[0] & VP8X_METADATA_FLAGS == 0


def test_no_secret_survives_anywhere(derived):
    for derivative in derived.derivatives:
        assert not [secret for secret in SECRETS if secret in derivative.data], derivative.size
        with Image.open(io.BytesIO(derivative.data)) as im:
            assert not im.getexif()
            assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(im.info)
