"""derive(): the public web versions of an inspected upload, plus its hashes and placeholder colour."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageStat

from campaign.media.color import resamplable, to_srgb
from campaign.media.deadline import Deadline
from campaign.media.decoding import decode, draft_jpeg, open_image
from campaign.media.encoding import CONTENT_TYPES, FORMATS, SIZES, encode
from campaign.media.formats import from_pillow
from campaign.media.geometry import fit, make_upright, orientation, resize, upright_size
from campaign.media.hashing import perceptual_hash, sha256_hex
from campaign.media.inspection import Inspection, inspect


@dataclass(frozen=True)
class Derivative:
    """One public file: metadata-free `data`, addressed by its `sha256`."""

    size: str
    format: str
    content_type: str
    width: int
    height: int
    data: bytes
    sha256: str


@dataclass(frozen=True)
class Derived:
    """Everything derive() makes from one upload; width and height are the upright full-size dimensions."""

    width: int
    height: int
    derivatives: tuple[Derivative, ...]
    placeholder_color: str
    content_hash: str
    perceptual_hash: str


def derive(data: bytes, inspection: Inspection | None = None, *, timeout: float | None = None) -> Derived:
    """Upright sRGB JPEG and WebP at sm/md/lg, never enlarged, first frame only; inspects if not given."""
    deadline = Deadline(timeout)
    if inspection is None:
        inspection = inspect(data, timeout=timeout)
    stored = (inspection.width, inspection.height)
    with open_image(data, max_pixels=None) as im:  # the inspection checked the limits for this size
        if im.size != stored or from_pillow(im.format).name != inspection.format:
            raise ValueError("the inspection does not describe these bytes")
        largest = fit(stored, SIZES[-1][1])
        draft_jpeg(im, largest)
        decode(im, inspection.format)
        deadline.check("decode")
        turn = orientation(im)
        icc_profile = im.info.get("icc_profile")
        # Resize first, then colour-convert and rotate the (smaller) result.
        current = make_upright(to_srgb(resize(resamplable(im), largest), icc_profile), turn)
    upright = upright_size(stored, turn)
    sized: dict[str, Image.Image] = {}
    for name, edge in reversed(SIZES):  # lg from the decoded image, md from lg, sm from md
        current = sized[name] = resize(current, fit(upright, edge))
    deadline.check("resize")
    derivatives = []
    for name, _edge in SIZES:
        image = sized[name]
        for fmt in FORMATS:
            payload = encode(image, fmt, name)
            digest = sha256_hex(payload)
            derivatives.append(Derivative(name, fmt, CONTENT_TYPES[fmt], *image.size, payload, digest))
        deadline.check(f"encode {name}")
    smallest = sized[SIZES[0][0]]
    return Derived(
        width=upright[0],
        height=upright[1],
        derivatives=tuple(derivatives),
        placeholder_color=average_color(smallest),
        content_hash=sha256_hex(data),
        perceptual_hash=perceptual_hash(smallest),
    )


def average_color(im: Image.Image) -> str:
    """Mean colour of an RGB image as "#rrggbb"."""
    red, green, blue = (min(255, round(channel)) for channel in ImageStat.Stat(im).mean[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"
