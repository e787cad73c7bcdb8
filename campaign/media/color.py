"""Colour: any decoded mode to 8-bit sRGB, embedded ICC profiles applied then dropped, alpha on white."""

from __future__ import annotations

import functools
import io
import itertools

from PIL import Image, ImageChops, ImageCms

_RESAMPLABLE = ("L", "LA", "RGB", "RGBA", "CMYK")
_SIXTEEN_BIT_GREY = ("I;16", "I;16B", "I;16L", "I;16N", "I")
WHITE = 255


def resamplable(im: Image.Image) -> Image.Image:
    """`im` in a mode Pillow resamples at 8 bits per channel: L, LA, RGB, RGBA (transparency kept) or CMYK."""
    if im.mode in _RESAMPLABLE and "transparency" not in im.info:
        return im
    if im.mode in _SIXTEEN_BIT_GREY:
        # convert("L") would clip 16-bit values at 255; scale them down instead.
        return im.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if im.mode == "1":
        return im.convert("L")
    if im.mode == "PA" or "transparency" in im.info:
        return im.convert("RGBA")  # palette or colour-key transparency (tRNS) becomes an alpha channel
    return im.convert("RGB")  # P, RGBX, YCbCr, ...


def to_srgb(im: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """8-bit sRGB RGB with empty `info`: alpha flattened onto white, then `icc_profile` applied if usable."""
    im = _flatten(im)
    if icc_profile:
        im = _apply_profile(im, icc_profile) or im
    if im.mode != "RGB":
        im = im.convert("RGB")  # no usable profile: CMYK and grey by Pillow's formulas, RGB as sRGB
    im.info = {}
    return im


def _flatten(im: Image.Image) -> Image.Image:
    if im.mode not in ("LA", "RGBA"):
        return im
    colour = im.mode[:-1]
    background = Image.new(colour, im.size, (WHITE,) * len(colour))
    background.paste(im.convert(colour), mask=im.getchannel("A"))
    return background


def _apply_profile(im: Image.Image, icc_profile: bytes) -> Image.Image | None:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        transform = ImageCms.buildTransform(source, _srgb(), im.mode, "RGB")
        if im.mode == "RGB" and _is_identity(transform):
            return im  # an sRGB profile: spare the ~30 ms a 1600 px transform costs
        return ImageCms.applyTransform(im, transform)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None  # broken profile, or one for another colour space than the pixels: ignore it


def _is_identity(transform: ImageCms.ImageCmsTransform) -> bool:
    probe = _probe()
    changed = ImageChops.difference(probe, ImageCms.applyTransform(probe, transform))
    return max(high for _low, high in changed.getextrema()) <= 2


@functools.cache
def _probe() -> Image.Image:
    """216 colours: every combination of six levels per channel."""
    levels = range(0, 256, 51)
    samples = bytes(v for rgb in itertools.product(levels, repeat=3) for v in rgb)
    return Image.frombytes("RGB", (216, 1), samples)


@functools.cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
