"""Embed origins: exactly scheme://host[:port], so one can never smuggle anything into a header."""

import re

from flask_babel import lazy_gettext as _l

from campaign.errors import DomainError

_HOST = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
ORIGIN_RE = re.compile(rf"^https?://{_HOST}(?::[0-9]{{1,5}})?$")
MAX_ORIGINS = 20


class InvalidOrigin(DomainError):
    code = "invalid_origin"
    field = "allowed_origins"
    message = _l("%(origin)s is not a web origin. Write it as https://example.com (optionally with :port).")


def _ascii_host(origin: str) -> str:
    """A Japanese domain name (https://ショップ.jp) as browsers send it in Origin and frame-ancestors read
    it: punycode (https://xn--xckya1d0c.jp). It was refused as "not a web origin"."""
    match = re.fullmatch(r"(https?://)([^/:@\s]+)(:[0-9]{1,5})?", origin)
    if match is None or match.group(2).isascii():
        return origin
    try:
        host = match.group(2).encode("idna").decode("ascii")
    except UnicodeError:
        return origin  # refused below, as typed
    return f"{match.group(1)}{host}{match.group(3) or ''}"


def normalise_origin(raw: str) -> str:
    origin = _ascii_host(raw.strip().rstrip("/").lower())
    if not ORIGIN_RE.fullmatch(origin) or len(origin) > 255:
        raise InvalidOrigin(origin=raw.strip()[:80])
    port = origin.rsplit(":", 1)[1] if origin.count(":") == 2 else None
    if port is not None and not 0 < int(port) < 65536:
        raise InvalidOrigin(origin=raw.strip()[:80])
    return origin


def parse_origins(text: str) -> list[str]:
    """One origin per line (or separated by spaces or commas); duplicates dropped, order kept."""
    origins: list[str] = []
    for raw in re.split(r"[\s,]+", text.strip()):
        if raw and (origin := normalise_origin(raw)) not in origins:
            origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        raise InvalidOrigin(_l("At most %(max)s origins.", max=MAX_ORIGINS))
    return origins
