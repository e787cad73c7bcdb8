"""The scheduled duties: days partitioned ahead on PostgreSQL (rows already in the default partition moved
with them), raw events expired after N days while rollups stay, and both run by `schedule.tick`."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, text

from campaign import schedule
from campaign.analytics import rollups, store
from campaign.analytics.intake import Accepted
from campaign.analytics.models import Event, Rollup
from campaign.extensions import db

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


def event(day: date, n: int) -> Accepted:
    return Accepted(
        [
            {
                "day": day,
                "event_id": f"d{n}",
                "org_id": 1,
                "kind": "impression",
                "occurred_at": NOW,
                "campaign_id": 0,
                "gallery_id": 1,
                "photo_id": 0,
                "product_id": 0,
                "touch": "",
                "value_cents": 0,
                "currency": "",
            }
        ]
    )


def partitions() -> dict[str, date]:
    return rollups._existing_partitions() if db.engine.dialect.name == "postgresql" else {}


def test_partitions_ahead_expiry_and_rollups_kept(app):
    today = NOW.date()
    old = today - timedelta(days=40)
    store.write([event(old, 1), event(today, 2), event(today, 3)])  # before any partition of theirs exists
    made = rollups.ensure_partitions(now=NOW)
    if db.engine.dialect.name == "postgresql":
        assert made == 5 and set(partitions().values()) == {today + timedelta(days=i) for i in range(-1, 4)}
        in_default = db.session.scalar(text("SELECT count(*) FROM analytics_parts.analytics_events_default"))
        assert in_default == 1  # the old day's row; today's moved into today's partition
        assert rollups.ensure_partitions(now=NOW) == 0  # again: nothing to make
    rollups.roll_up([old, today], now=NOW)
    assert db.session.scalar(select(func.sum(Rollup.impressions))) == 3
    rollups.expire(now=NOW, keep_days=35)
    assert db.session.scalar(select(func.count()).select_from(Event)) == 2  # the old day's raw event is gone
    assert db.session.scalar(select(func.sum(Rollup.impressions))) == 3  # its rollup stays
    later = NOW + timedelta(days=40)
    rollups.ensure_partitions(now=later)
    rollups.expire(now=later, keep_days=35)
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0
    if db.engine.dialect.name == "postgresql":
        assert min(partitions().values()) >= later.date() - timedelta(days=35)


def test_the_ticker_runs_both_duties_once(app):
    store.write([event(NOW.date(), 1)])
    done = schedule.tick(now=NOW)
    assert "2 days rolled" in done["analytics-rollup"]  # today, and tomorrow (local days run ahead)
    assert done["analytics-expire"] == "0 expired"
    assert db.session.scalar(select(func.sum(Rollup.impressions))) == 1
    again = schedule.tick(now=NOW + timedelta(minutes=1))
    assert "analytics-rollup" not in again  # not due: its lease says when it runs next
