"""Every kind of source pixel data comes out as upright 8-bit sRGB of its first frame, alpha on white."""

import io
import struct
import zlib

import pytest
from PIL import Image, ImageCms

from campaign.media import derive, inspect

from .samples import (
    BLUE,
    GREEN,
    RED,
    WHITE,
    centre,
    close_to,
    encode,
    heic,
    heic_16,
    opened,
    photo,
    pick,
    raw_png,
    swapped_primaries_profile,
)


def test_cmyk_jpeg_with_adobe_inverted_samples():
    data = encode(Image.new("CMYK", (64, 64), (255, 0, 0, 0)), "JPEG")  # Pillow writes Adobe, inverted
    with Image.open(io.BytesIO(data)) as source:
        assert source.mode == "CMYK" and "adobe" in source.info

    assert close_to(centre(derive(data)), (0, 255, 255), tolerance=8)


def test_sixteen_bit_grey_png_is_scaled_not_clipped():
    grey = Image.new("I;16", (64, 64), 0x8000)

    assert close_to(centre(derive(encode(grey, "PNG"))), (128, 128, 128), tolerance=3)


def test_sixteen_bit_rgb_png():
    row = b"\0" + struct.pack(">HHH", 0xFFFF, 0x8000, 0x0000) * 64
    data = raw_png(64, 64, bit_depth=16, colour_type=2, idat=zlib.compress(row * 64))

    assert close_to(centre(derive(data)), (255, 128, 0), tolerance=4)


def test_grey_with_alpha_is_flattened_onto_white():
    la = Image.new("LA", (64, 64), (0, 0))
    la.paste((0, 255), (0, 32, 64, 64))  # bottom half opaque black, top half transparent

    derived = derive(encode(la, "PNG"))

    for fmt in ("jpeg", "webp"):
        im = opened(pick(derived, "sm", fmt))
        assert close_to(im.getpixel((32, 8)), WHITE, 6) and close_to(im.getpixel((32, 56)), (0, 0, 0), 6)


def test_palette_with_transparency_is_flattened_onto_white():
    palette = Image.new("P", (64, 64), 1)
    palette.putpalette([0, 0, 0, 255, 0, 0])
    palette.paste(0, (0, 0, 32, 64))

    derived = derive(encode(palette, "PNG", transparency=0))

    im = opened(pick(derived, "sm"))
    assert close_to(im.getpixel((8, 32)), WHITE, 6) and close_to(im.getpixel((56, 32)), RED, 12)


def test_half_transparent_rgba_is_blended_with_white():
    assert close_to(
        centre(derive(encode(Image.new("RGBA", (64, 64), (255, 0, 0, 128)), "PNG"))), (255, 127, 127), 6
    )


def test_one_bit_png():
    assert close_to(centre(derive(encode(Image.new("1", (64, 64), 1), "PNG"))), WHITE, 2)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_animation_uses_its_first_frame(fmt):
    frames = [Image.new("RGB", (64, 64), colour) for colour in (RED, GREEN, BLUE)]
    animation = encode(frames[0], fmt, save_all=True, append_images=frames[1:])

    derived = derive(animation, inspect(animation))

    assert close_to(centre(derived), RED, 12) and close_to(centre(derived, "webp"), RED, 12)


def test_mpo_uses_its_first_picture():
    first, second = Image.new("RGB", (64, 48), RED), Image.new("RGB", (64, 48), BLUE)
    mpo = encode(first, "MPO", save_all=True, append_images=[second])
    assert inspect(mpo).frames == 2

    assert close_to(centre(derive(mpo)), RED, 12)


def test_heic_eight_bit():
    assert close_to(centre(derive(heic(Image.new("RGB", (64, 64), (200, 30, 60))))), (200, 30, 60), 12)


def test_heic_ten_bit():
    data = heic_16("RGB;16", (64, 64), struct.pack("<HHH", 0xFFFF, 0x8000, 0) * 64 * 64)
    assert inspect(data).format == "HEIF"

    assert close_to(centre(derive(data)), (255, 128, 0), 12)


@pytest.mark.parametrize("bits", [8, 10])
def test_heic_with_alpha_is_flattened_onto_white(bits):
    if bits == 8:
        card = Image.new("RGBA", (64, 64), (255, 0, 0, 0))
        card.paste((0, 0, 255, 255), (0, 32, 64, 64))
        data = heic(card)
    else:
        top, bottom = struct.pack("<HHHH", 0xFFFF, 0, 0, 0), struct.pack("<HHHH", 0, 0, 0xFFFF, 0xFFFF)
        data = heic_16("RGBA;16", (64, 64), top * 64 * 32 + bottom * 64 * 32)

    im = opened(pick(derive(data), "sm"))

    assert close_to(im.getpixel((32, 8)), WHITE, 12) and close_to(im.getpixel((32, 56)), BLUE, 20)


def test_embedded_profile_is_applied():
    # The profile says stored red is displayed blue; only a real conversion gets this right.
    data = encode(
        Image.new("RGB", (64, 64), RED), "JPEG", quality=95, icc_profile=swapped_primaries_profile()
    )

    derived = derive(data)

    assert close_to(centre(derived), BLUE, 20) and close_to(centre(derived, "webp"), BLUE, 20)


def test_png_profile_is_applied():
    data = encode(Image.new("RGB", (64, 64), RED), "PNG", icc_profile=swapped_primaries_profile())

    assert close_to(centre(derive(data)), BLUE, 20)


def test_unusable_profile_is_ignored():
    data = encode(Image.new("RGB", (64, 64), RED), "JPEG", quality=95, icc_profile=b"not a profile" * 10)

    assert close_to(centre(derive(data)), RED, 12)


def test_srgb_tagged_pixels_are_left_as_they_are():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    picture = photo(5, (160, 120))

    tagged, untagged = derive(encode(picture, "PNG", icc_profile=srgb)), derive(encode(picture, "PNG"))

    assert tagged.derivatives == untagged.derivatives
