"""Field-level rules for campaign data: plain functions over plain values."""

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
HASHTAG_RE = re.compile(r"^[^\s#,]{1,100}$")
HANDLE_RE = re.compile(r"^[A-Za-z0-9._]{1,30}$")
HEX_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


WHITE, INK = "#ffffff", "#1a1a1a"
READABLE = 4.5  # WCAG AA contrast for the text on buttons and headings in the brand colour


def valid_color(value: str) -> bool:
    """A brand colour: "#rrggbb", or empty for the house accent."""
    return value == "" or bool(HEX_COLOR_RE.match(value))


def _luminance(hex_color: str) -> float:
    """WCAG relative luminance of "#rrggbb"."""
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_color_on(background: str) -> str:
    """White or ink, whichever reads better on the brand colour (WCAG contrast)."""
    return WHITE if contrast(background, WHITE) >= contrast(background, INK) else INK


def readable_shade(color: str) -> str | None:
    """None when white or ink text reads on the colour at 4.5:1; else the nearest darker shade on which
    white text does (a mid grey such as #777777 reaches 4.5:1 with neither)."""
    if contrast(color, text_color_on(color)) >= READABLE:
        return None
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    for step in range(1, 101):
        shade = "#" + "".join(f"{round(c * (1 - step / 100)):02x}" for c in rgb)
        if contrast(shade, WHITE) >= READABLE:
            return shade
    return INK


def gtin_is_valid(code: str) -> bool:
    """GTIN-8/12/13/14 check digit (JAN codes are GTIN-13 or GTIN-8)."""
    if not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return False
    digits = [int(c) for c in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def parse_hashtags(text: str) -> list[str]:
    """'#tag1 tag2, #タグ' → ['tag1', 'tag2', 'タグ'] (order kept, duplicates dropped)."""
    tags: list[str] = []
    for raw in re.split(r"[\s,、]+", text):
        tag = raw.lstrip("#＃")
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def normalise_handle(handle: str) -> str:
    return handle.strip().lstrip("@＠")


# Opening and closing times are between these (UTC): year 1 or 9999 is a typing slip, not a campaign.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
DATE_RANGE_MESSAGE = _l("Enter a date between the years 2000 and 2099.")
