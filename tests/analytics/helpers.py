"""Sending beacons as a browser on a brand's site would, and reading what was counted."""

import json
import secrets
from datetime import UTC, datetime

from sqlalchemy import func, select

from campaign.analytics import rollups, targets
from campaign.analytics.buffer import get_buffer
from campaign.analytics.models import Event, Rollup
from campaign.extensions import db

SHOP = "https://shop.example.jp"
HUMAN_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
)


def page_view() -> str:
    return secrets.token_hex(8)


def beacon(client, body, *, origin: str = SHOP, ua: str = HUMAN_UA, address: str = "203.0.113.9"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(
        "/api/v1/events",
        data=data,
        headers={"Origin": origin, "User-Agent": ua, "Content-Type": "text/plain;charset=UTF-8"},
        environ_base={"REMOTE_ADDR": address},
    )


def embed(gallery: str, *events: dict, pv: str | None = None, human: int = 1) -> dict:
    return {
        "g": gallery,
        "pv": pv or page_view(),
        "h": human,
        "e": [{"n": i, **e} for i, e in enumerate(events)],
    }


def conversion(order: str, value, touches: list[dict], *, currency: str = "JPY", products=()) -> dict:
    return {
        "k": "conversion",
        "pv": page_view(),
        "o": order,
        "val": value,
        "cur": currency,
        "pr": list(products),
        "t": touches,
    }


def settle(app) -> None:
    """What the buffer's writer and the rollup duty do, now: write the buffer, roll up every day."""
    get_buffer(app).flush()
    days = db.session.scalars(select(Event.day).distinct()).all()
    rollups.roll_up(sorted(days), now=datetime.now(UTC))


def totals(**where) -> dict[str, int]:
    names = ("visits", "impressions", "views", "interactions", "clicks", "click_conversions",
             "view_conversions", "click_revenue_cents", "view_revenue_cents")  # fmt: skip
    query = select(*[func.coalesce(func.sum(getattr(Rollup, n)), 0) for n in names])
    for key, value in where.items():
        query = query.where(getattr(Rollup, key) == value)
    return dict(zip(names, (int(v) for v in db.session.execute(query).one()), strict=True))


def fresh_targets() -> None:
    targets.forget_all()
