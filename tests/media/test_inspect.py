import io
import resource
import warnings
import zlib

import pytest
from PIL import ExifTags, Image, features

from campaign.media import Inspection, MediaError, derive, inspect

from .samples import encode, heic, jpeg_segments, photo, png_chunk, raw_png


def rejection(data: bytes, **limits: int) -> MediaError:
    with pytest.raises(MediaError) as caught:
        inspect(data, **limits)
    return caught.value


@pytest.fixture(scope="module")
def picture():
    return photo(1, (320, 240))


@pytest.fixture(scope="module")
def jpeg(picture):
    return encode(picture, "JPEG", quality=90)


@pytest.mark.parametrize(
    ("fmt", "params", "expected"),
    [
        ("JPEG", {}, ("JPEG", "image/jpeg", "jpg")),
        ("PNG", {}, ("PNG", "image/png", "png")),
        ("WEBP", {}, ("WEBP", "image/webp", "webp")),
        ("MPO", {"save_all": True}, ("JPEG", "image/jpeg", "jpg")),
    ],
)
def test_accepts_allowed_formats(picture, fmt, params, expected):
    result = inspect(encode(picture, fmt, **params))

    assert result == Inspection(*expected, width=320, height=240, frames=1)


def test_accepts_heic_as_heif(picture):
    assert inspect(heic(picture)) == Inspection("HEIF", "image/heic", "heic", 320, 240, 1)


def test_empty():
    error = rejection(b"")

    assert (error.code, error.detail) == ("empty", {})


def test_too_large_is_judged_before_content(jpeg):
    error = rejection(b"x" * 11, max_bytes=10)

    assert (error.code, error.detail) == ("too_large", {"max_bytes": 10, "bytes": 11})
    assert inspect(jpeg, max_bytes=len(jpeg)).format == "JPEG"


def test_text_named_like_a_photo_is_not_an_image(tmp_path):
    upload = tmp_path / "holiday.jpg"
    upload.write_text("Dear team, photo attached.\n")

    error = rejection(upload.read_bytes())

    assert (error.code, error.detail) == ("not_an_image", {})


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        b"<!doctype html><title>x</title>",
        b"PK\x03\x04" + bytes(40),
        bytes(range(256)) * 4,
    ],
    ids=["svg", "svg-script", "pdf", "html", "zip", "garbage"],
)
def test_non_images(data):
    error = rejection(data)

    assert (error.code, error.detail) == ("not_an_image", {})


@pytest.mark.parametrize(
    ("fmt", "params"),
    [
        ("TIFF", {}),
        ("GIF", {}),
        ("BMP", {}),
        ("JPEG2000", {}),
        pytest.param("AVIF", {}, marks=pytest.mark.skipif(not features.check("avif"), reason="no AVIF")),
    ],
)
def test_real_images_in_other_formats_are_unsupported(picture, fmt, params):
    error = rejection(encode(picture, fmt, **params))

    assert (error.code, error.detail) == ("unsupported_format", {"format": fmt})


def test_animated_gif_is_unsupported(picture):
    frames = [picture.convert("P"), picture.rotate(90).convert("P")]
    error = rejection(encode(frames[0], "GIF", save_all=True, append_images=frames[1:]))

    assert (error.code, error.detail) == ("unsupported_format", {"format": "GIF"})


def test_jpeg_cut_in_scan_data_is_truncated(jpeg):
    scan_starts = jpeg.index(b"\xff\xda")
    cut = (scan_starts + len(jpeg)) // 2

    error = rejection(jpeg[:cut])

    assert (error.code, error.detail) == ("truncated", {"format": "JPEG"})


def test_progressive_jpeg_cut_is_truncated(picture):
    data = encode(picture, "JPEG", progressive=True)

    assert rejection(data[: len(data) * 2 // 3]).code == "truncated"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_other_formats_cut_in_half_are_truncated(picture, fmt):
    data = heic(picture) if fmt == "HEIF" else encode(picture, fmt)

    error = rejection(data[: len(data) // 2])

    assert (error.code, error.detail) == ("truncated", {"format": fmt})


def test_jpeg_header_only_is_truncated(jpeg):
    assert rejection(jpeg[:40]).code == "truncated"


def test_bytes_after_the_end_do_not_matter(jpeg):
    assert inspect(jpeg + b"\0" * 100_000).format == "JPEG"
    assert jpeg_segments(jpeg)[-1][0] == 0xD9  # the sample itself is whole


def test_pixel_limit(picture):
    error = rejection(encode(picture, "PNG"), max_pixels=320 * 240 - 1)

    assert error.code == "too_many_pixels"
    assert error.detail == {"max_pixels": 76_799, "pixels": 76_800, "width": 320, "height": 240}


def test_png_bomb_is_refused_from_its_header():
    bomb = raw_png(30_000, 30_000, idat=zlib.compress(bytes(30_001 * 64)))
    assert len(bomb) < 4_000
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    error = rejection(bomb)

    assert error.code == "too_many_pixels"
    assert error.detail == {"max_pixels": 40_000_000, "pixels": 900_000_000}
    # Refused from its header: decoding 900 megapixels would need at least 900 MB (no timing asserted).
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kib < 50_000  # 900 megapixels would need at least 900 MB


def test_webp_canvas_bomb_is_refused_from_its_header():
    frames = [Image.new("RGB", (16, 16), colour) for colour in ("red", "blue")]
    webp = bytearray(encode(frames[0], "WEBP", save_all=True, append_images=frames[1:]))
    canvas = webp.index(b"VP8X") + 8 + 4  # after the chunk header and the flags
    webp[canvas : canvas + 6] = (16_383 - 1).to_bytes(3, "little") * 2  # stored minus one
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    error = rejection(bytes(webp))

    assert (error.code, error.detail["pixels"]) == ("too_many_pixels", 16_383 * 16_383)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 50_000


def test_pillow_bomb_warning_never_surfaces():
    # 100 MP: above Pillow's warning threshold (~89 MP), below its hard error.
    bomb = raw_png(10_000, 10_000, idat=zlib.compress(bytes(10_001 * 8)))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        error = rejection(bomb)

    assert error.code == "too_many_pixels"
    assert error.detail["pixels"] == 100_000_000


def test_pixel_limit_comes_before_frame_limit():
    frames = [Image.new("RGB", (300, 300), colour) for colour in ("red", "green", "blue")]
    apng = encode(frames[0], "PNG", save_all=True, append_images=frames[1:])

    assert rejection(apng, max_pixels=1_000, max_frames=1).code == "too_many_pixels"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_frame_limit(fmt):
    frames = [Image.new("RGB", (32, 32), colour) for colour in ("red", "green", "blue")]
    animation = encode(frames[0], fmt, save_all=True, append_images=frames[1:])

    assert inspect(animation, max_frames=3).frames == 3
    error = rejection(animation, max_frames=2)
    assert (error.code, error.detail) == ("too_many_frames", {"max_frames": 2, "frames": 3})


def test_timeout(jpeg):
    with pytest.raises(MediaError) as caught:
        inspect(jpeg, timeout=0)

    assert (caught.value.code, caught.value.detail) == ("timeout", {"seconds": 0, "stage": "open"})


def test_format_comes_from_content_not_from_pillow_guesses(jpeg):
    # A JPEG whose first bytes were replaced is no longer recognised, whatever its name would say.
    assert rejection(b"GIF89a" + jpeg[6:]).code == "unsupported_format"
    assert Image.open(io.BytesIO(jpeg)).format == "JPEG"


def corrupt_exif_jpeg() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = "x" * 40  # stored after the IFD, then cut off
    return encode(Image.new("RGB", (32, 32), "red"), "JPEG", exif=exif.tobytes()[:-30])


def invalid_apng() -> bytes:
    frames = [Image.new("RGB", (32, 32), colour) for colour in ("red", "green")]
    data = encode(frames[0], "PNG", save_all=True, append_images=frames[1:])
    start = data.index(b"acTL") - 4
    return data[:start] + png_chunk(b"acTL", bytes(8)) + data[start + 20 :]  # zero frames


def malformed_mpo() -> bytes:
    frames = [Image.new("RGB", (32, 32), colour) for colour in ("red", "green")]
    data = encode(frames[0], "MPO", save_all=True, append_images=frames[1:])
    header = data.index(b"MPF\0") + 4
    return data[:header] + b"XX" + data[header + 2 :]  # neither II nor MM


@pytest.mark.parametrize("make", [corrupt_exif_jpeg, invalid_apng, malformed_mpo])
def test_input_pillow_warns_about_but_copes_with_raises_no_warning(make):
    data = make()
    with pytest.warns(UserWarning), Image.open(io.BytesIO(data)) as im:  # plain Pillow complains
        im.load()
        im.getexif()

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert inspect(data).frames == 1
        assert derive(data).width == 32
