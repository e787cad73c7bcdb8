"""From a beacon's body to event rows: every field checked against a strict shape, nothing else kept.

An embed's beacon: {"g": gallery id, "pv": page-view id, "h": 1 when a person was seen (scroll, pointer,
touch or key), "e": [{"n": counter, "k": "impression" | "interaction" | "click", "p": photo id,
"ps": [photo ids in sight] (impressions), "pr": product id (clicks)}]}.
A conversion: {"k": "conversion", "pv": page-view id, "o": order id, "val": value, "cur": "JPY",
"pr": [product ids, SKUs or JANs], "t": [{"g": gallery, "p": photo, "pr": product, "c": 1 when clicked,
"a": seconds ago}]}, the touches the tab session remembered.
"""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from campaign.analytics.targets import Target

MAX_BODY = 4096  # bytes: a beacon is a few hundred
MAX_EVENTS = 10
MAX_PHOTOS_IN_SIGHT = 50
MAX_TOUCHES = 20
ATTRIBUTION_WINDOW = 24 * 3600  # seconds between the touch and the order
MAX_VALUE = 10**9
ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
PAGE_VIEW = re.compile(r"[0-9a-f]{16}")
CURRENCY = re.compile(r"[A-Z]{3}")
ORDER = re.compile(r"[\x21-\x7e]{1,100}")  # printable ASCII, no spaces
PRODUCT = re.compile(r"[\x21-\x7e]{1,64}")
EMBED_KINDS = {"impression", "interaction", "click"}


class Malformed(ValueError):
    """The body is not a beacon of ours: 400, nothing stored."""


class Refused(ValueError):
    """A well-formed beacon that is not counted (wrong origin, unknown gallery): 400, nothing stored."""


class Dropped(Exception):
    """Not counted, quietly (no person seen, nothing to attribute): 204, nothing stored."""


@dataclass
class Accepted:
    rows: list[dict] = field(default_factory=list)
    order: tuple[int, str] | None = None  # (org id, order key) of a conversion, counted once


def decode(body: bytes) -> dict:
    if not body or len(body) > MAX_BODY:
        raise Malformed("size")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise Malformed("json") from None
    if not isinstance(data, dict):
        raise Malformed("shape")
    return data


def _text(value, pattern: re.Pattern, *, optional: bool = False) -> str:
    if optional and value in (None, ""):
        return ""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise Malformed("field")
    return value


def _whole(value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Malformed("number")
    return value


def _list(value, most: int) -> list:
    if not isinstance(value, list) or len(value) > most:
        raise Malformed("list")
    return value


def _row(target: Target, now: datetime, event_id: str, kind: str, **values) -> dict:
    return {
        "day": now.astimezone(target.zone).date(),
        "event_id": event_id,
        "org_id": target.org_id,
        "kind": kind,
        "occurred_at": now,
        "campaign_id": 0,
        "gallery_id": target.id,
        "photo_id": 0,
        "product_id": 0,
        "touch": "",
        "value_cents": 0,
        "currency": "",
        **values,
    }


def _photo(target: Target, public_id) -> int:
    """A photo the gallery shows, or 0 (none named); a photo it does not show refuses the beacon."""
    if public_id in (None, ""):
        return 0
    photo = target.photos.get(_text(public_id, ID))
    if photo is None:
        raise Refused("photo")
    return photo


def _allowed(target: Target, origin: str, own_origin: str) -> None:
    if origin not in target.origins and origin != own_origin:
        raise Refused("origin")


Lookup = Callable[[str], Target | None]


def embed_events(data: dict, lookup: Lookup, origin: str, own_origin: str, now: datetime) -> Accepted:
    """Rows of an embed's beacon. Raises Malformed, Refused or Dropped."""
    if set(data) - {"g", "pv", "h", "e"}:
        raise Malformed("keys")
    gallery = _text(data.get("g"), ID)
    page_view = _text(data.get("pv"), PAGE_VIEW)
    events = _list(data.get("e"), MAX_EVENTS)
    human = type(data.get("h")) is int and data["h"] == 1  # true is not 1 here
    parsed = []
    for event in events:
        if not isinstance(event, dict) or set(event) - {"n", "k", "p", "ps", "pr"}:
            raise Malformed("event")
        kind = event.get("k")
        if kind not in EMBED_KINDS:
            raise Malformed("kind")
        parsed.append((kind, _whole(event.get("n"), 0, 10_000), event))
    if not parsed:
        raise Malformed("empty")
    target = lookup(gallery)
    if target is None:
        raise Refused("gallery")
    _allowed(target, origin, own_origin)
    if not human:
        raise Dropped("no human signal")
    accepted = Accepted()
    for kind, number, event in parsed:
        event_id = f"{page_view}.{number}"
        photo = _photo(target, event.get("p"))
        product = 0
        if kind == "click":
            name = _text(event.get("pr"), PRODUCT, optional=True)
            product = target.products.get(name, 0) if name else 0
            if name and not product:
                raise Refused("product")
        accepted.rows.append(_row(target, now, event_id, kind, photo_id=photo, product_id=product))
        if kind == "impression":
            in_sight = _list(event.get("ps", []), MAX_PHOTOS_IN_SIGHT)
            for index, photo_id in enumerate(dict.fromkeys(_photo(target, p) for p in in_sight)):
                if photo_id:
                    accepted.rows.append(_row(target, now, f"{event_id}.{index}", "view", photo_id=photo_id))
    return accepted


def order_key(org_id: int, order_id: str) -> str:
    return hashlib.sha256(f"{org_id}\n{order_id}".encode()).hexdigest()


def _chosen_touch(touches: list) -> dict | None:
    """The attribution rule: the latest click within the window (click-through), else the latest gallery
    seen within it (view-through)."""
    clicked = [t for t in touches if t["c"]]
    for group in (clicked, touches):
        if group:
            return min(group, key=lambda t: t["a"])
    return None


def conversion(data: dict, lookup: Lookup, origin: str, own_origin: str, now: datetime) -> Accepted:
    """The row of a conversion, attributed to one touch of this tab session. Raises Malformed, Refused or
    Dropped (no touch within the window: not a conversion a gallery led to)."""
    if set(data) - {"k", "pv", "o", "val", "cur", "pr", "t"}:
        raise Malformed("keys")
    page_view = _text(data.get("pv"), PAGE_VIEW)
    order_id = _text(data.get("o"), ORDER)
    value = data.get("val")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_VALUE:
        raise Malformed("value")
    currency = _text(data.get("cur"), CURRENCY)
    products = [_text(p, PRODUCT) for p in _list(data.get("pr", []), 50)]
    touches = []
    for touch in _list(data.get("t"), MAX_TOUCHES):
        if not isinstance(touch, dict) or set(touch) - {"g", "p", "pr", "c", "a"}:
            raise Malformed("touch")
        touches.append(
            {
                "g": _text(touch.get("g"), ID),
                "p": _text(touch.get("p"), ID, optional=True),
                "pr": _text(touch.get("pr"), PRODUCT, optional=True),
                "c": _whole(touch.get("c", 0), 0, 1),
                "a": _whole(touch.get("a"), 0, 10**7),
            }
        )
    chosen = _chosen_touch([t for t in touches if t["a"] <= ATTRIBUTION_WINDOW])
    if chosen is None:
        raise Dropped("no touch")
    target = lookup(chosen["g"])
    if target is None:
        raise Refused("gallery")
    _allowed(target, origin, own_origin)
    photo = _photo(target, chosen["p"])
    bought = [target.products[p] for p in products if p in target.products]
    product = target.products.get(chosen["pr"], 0) if chosen["pr"] else 0
    if bought and product not in bought:
        product = bought[0]
    row = _row(
        target,
        now,
        f"{page_view}.c",
        "conversion",
        photo_id=photo,
        product_id=product,
        touch="click" if chosen["c"] else "view",
        value_cents=round(value * 100),
        currency=currency,
    )
    return Accepted([row], (target.org_id, order_key(target.org_id, order_id)))


def accept(
    body: bytes, lookup: Lookup, origin: str, own_origin: str, now: datetime | None = None
) -> Accepted:
    data = decode(body)
    now = now or datetime.now(UTC)
    if data.get("k") == "conversion":
        return conversion(data, lookup, origin, own_origin, now)
    return embed_events(data, lookup, origin, own_origin, now)
