"""derive(): sizes, orientation, hashes, and its contract with callers."""

import ast
import hashlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageOps

import campaign.media
from campaign.media import MediaError, derive, inspect

from .samples import BLUE, GREEN, RED, YELLOW, close_to, encode, heic, opened, photo, pick

# Undo what each EXIF orientation asks a viewer to do, to make the stored pixels of an upright picture.
STORED_FROM_UPRIGHT = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def quadrants(size: tuple[int, int] = (400, 300)) -> Image.Image:
    """Upright test card: red, green on top; blue, yellow below (asymmetric under every flip and turn)."""
    card = Image.new("RGB", size, RED)
    width, height = size
    card.paste(GREEN, (width // 2, 0, width, height // 2))
    card.paste(BLUE, (0, height // 2, width // 2, height))
    card.paste(YELLOW, (width // 2, height // 2, width, height))
    return card


def corners(im: Image.Image) -> tuple[tuple[int, ...], ...]:
    """Colours near the four corners: top-left, top-right, bottom-left, bottom-right."""
    width, height = im.size
    x0, y0, x1, y1 = width // 8, height // 8, width - 1 - width // 8, height - 1 - height // 8
    return tuple(im.getpixel(point) for point in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)))


def exif_with_orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = value
    return exif.tobytes()


def assert_every_derivative(derived, expected_corners):
    for derivative in derived.derivatives:
        found = corners(opened(derivative))
        assert all(map(close_to, found, expected_corners)), (derivative.size, derivative.format, found)


def test_three_sizes_in_two_formats_from_a_large_photo():
    data = encode(photo(2, (2000, 1500)), "JPEG", quality=90)

    derived = derive(data, inspect(data))

    assert (derived.width, derived.height) == (2000, 1500)
    assert [(d.size, d.format, d.content_type) for d in derived.derivatives] == [
        ("sm", "jpeg", "image/jpeg"),
        ("sm", "webp", "image/webp"),
        ("md", "jpeg", "image/jpeg"),
        ("md", "webp", "image/webp"),
        ("lg", "jpeg", "image/jpeg"),
        ("lg", "webp", "image/webp"),
    ]
    expected = {"sm": (320, 240), "md": (800, 600), "lg": (1600, 1200)}
    for derivative in derived.derivatives:
        with Image.open(io.BytesIO(derivative.data)) as im:
            assert im.format == derivative.format.upper()
            assert im.size == (derivative.width, derivative.height) == expected[derivative.size]
        assert derivative.sha256 == hashlib.sha256(derivative.data).hexdigest()


def test_never_upscales_and_repeats_identical_sizes():
    derived = derive(encode(photo(3, (500, 700)), "PNG"))

    sizes = {(d.size, d.format): (d.width, d.height) for d in derived.derivatives}
    assert sizes[("lg", "jpeg")] == sizes[("md", "jpeg")] == (500, 700)
    assert sizes[("sm", "webp")] == (229, 320)
    assert pick(derived, "lg").data == pick(derived, "md").data


def test_hashes_and_placeholder():
    data = encode(Image.new("RGB", (64, 48), (30, 60, 90)), "PNG")

    derived = derive(data)

    assert derived.content_hash == hashlib.sha256(data).hexdigest()
    assert derived.placeholder_color == "#1e3c5a"
    assert re.fullmatch("[0-9a-f]{16}", derived.perceptual_hash)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_jpeg_orientations_come_out_upright(orientation):
    upright = quadrants()
    transpose = STORED_FROM_UPRIGHT[orientation]
    stored = upright.transpose(transpose) if transpose is not None else upright
    data = encode(stored, "JPEG", quality=95, exif=exif_with_orientation(orientation))
    with Image.open(io.BytesIO(data)) as check:  # the sample is right: Pillow's own exif_transpose agrees
        assert all(map(close_to, corners(ImageOps.exif_transpose(check)), (RED, GREEN, BLUE, YELLOW)))

    derived = derive(data)

    assert (derived.width, derived.height) == (400, 300)
    assert (pick(derived, "sm").width, pick(derived, "sm").height) == (320, 240)
    assert_every_derivative(derived, (RED, GREEN, BLUE, YELLOW))


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_exif_orientation_in_png_and_webp(fmt):
    stored = quadrants().transpose(Image.Transpose.ROTATE_90)
    derived = derive(encode(stored, fmt, exif=exif_with_orientation(6)))

    assert_every_derivative(derived, (RED, GREEN, BLUE, YELLOW))


def test_heic_orientation_is_applied_once():
    stored = quadrants().transpose(Image.Transpose.ROTATE_90)
    derived = derive(heic(stored, exif=exif_with_orientation(6)))

    assert (derived.width, derived.height) == (400, 300)
    assert_every_derivative(derived, (RED, GREEN, BLUE, YELLOW))


def test_derive_inspects_when_not_given_an_inspection():
    with pytest.raises(MediaError) as caught:
        derive(b"hello")

    assert caught.value.code == "not_an_image"


def test_an_inspection_of_other_bytes_is_a_programming_error():
    small, large = encode(Image.new("RGB", (8, 8)), "PNG"), encode(Image.new("RGB", (16, 8)), "PNG")

    with pytest.raises(ValueError, match="does not describe"):
        derive(large, inspect(small))


def test_timeout():
    data = encode(Image.new("RGB", (8, 8)), "PNG")

    with pytest.raises(MediaError) as caught:
        derive(data, inspect(data), timeout=0)

    assert (caught.value.code, caught.value.detail) == ("timeout", {"seconds": 0, "stage": "decode"})


def test_importing_media_registers_nothing():
    script = (
        "import sys; from PIL import Image; import campaign.media; "
        "print('HEIF' in Image.OPEN, 'pillow_heif' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    assert result.stdout.split() == ["False", "False"]


def test_media_does_not_import_flask():
    for module in Path(campaign.media.__file__).parent.glob("*.py"):
        tree = ast.parse(module.read_text())
        imported = {
            alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
        }
        imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not any(name.split(".")[0] in ("flask", "werkzeug") for name in imported), module.name
