"""For any stream of events (replays, several days, galleries, photos, products, currencies, conversions
of both kinds), the rollups equal a recount of the raw events, and rolling up again changes nothing."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from campaign.analytics import rollups, store
from campaign.analytics.intake import Accepted
from campaign.analytics.models import Event, RolledDay, Rollup
from campaign.extensions import db

DAY = date(2026, 11, 30)
NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)

events = st.lists(
    st.tuples(
        st.integers(0, 40),  # event id: small, so replays happen
        st.integers(0, 2),  # day offset
        st.sampled_from(["visit", "impression", "view", "interaction", "click", "conversion"]),
        st.integers(1, 3),  # gallery
        st.integers(0, 3),  # photo
        st.integers(0, 2),  # product
        st.sampled_from(["click", "view"]),
        st.integers(0, 10**6),  # value in cents
        st.sampled_from(["JPY", "USD"]),
    ),
    max_size=60,
)


def row(event_id, offset, kind, gallery, photo, product, touch, cents, currency) -> dict:
    conversion = kind == "conversion"
    return {
        "day": DAY + timedelta(days=offset),
        "event_id": f"e{event_id}",
        "org_id": 1,
        "kind": kind,
        "occurred_at": NOW,
        "campaign_id": gallery if kind == "visit" else 0,
        "gallery_id": 0 if kind == "visit" else gallery,
        "photo_id": photo,
        "product_id": product,
        "touch": touch if conversion else "",
        "value_cents": cents if conversion else 0,
        "currency": currency if conversion else "",
    }


def recount(rows: list[dict]) -> Counter:
    """Per rollup key and measure, from the stream itself (the first row of each day and id wins)."""
    kept = {}
    for r in rows:
        kept.setdefault((r["day"], r["event_id"]), r)
    counts: Counter = Counter()
    for r in kept.values():
        key = (r["day"], r["campaign_id"], r["gallery_id"], r["photo_id"], r["product_id"], r["currency"])
        measure = {"visit": "visits", "impression": "impressions", "view": "views"}.get(
            r["kind"], r["kind"] + "s"
        )
        if r["kind"] == "conversion":
            counts[key, f"{r['touch']}_conversions"] += 1
            counts[key, f"{r['touch']}_revenue_cents"] += r["value_cents"]
        else:
            counts[key, measure] += 1
    return counts


def rolled() -> Counter:
    counts: Counter = Counter()
    for r in db.session.scalars(select(Rollup)):
        key = (r.day, r.campaign_id, r.gallery_id, r.photo_id, r.product_id, r.currency)
        for name in ("visits", "impressions", "views", "interactions", "clicks", "click_conversions",
                     "view_conversions", "click_revenue_cents", "view_revenue_cents"):  # fmt: skip
            if getattr(r, name):
                counts[key, name] += getattr(r, name)
    return counts


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stream=events, batch=st.integers(1, 20))
def test_rollups_equal_a_recount_of_the_raw_events(app, stream, batch):
    for model in (Event, Rollup, RolledDay):
        db.session.execute(delete(model))
    db.session.commit()
    rows = [row(*event) for event in stream]
    for start in range(0, len(rows), batch):  # written in batches, as the buffer does
        store.write([Accepted([r]) for r in rows[start : start + batch]])
    days = [DAY + timedelta(days=i) for i in range(3)]
    rollups.roll_up(days, now=NOW)
    assert rolled() == recount(rows)
    rollups.roll_up(days, now=NOW)  # again: the same rows
    assert rolled() == recount(rows)
