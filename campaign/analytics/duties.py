"""The analytics duties `schedule.tick` runs under their leases: write what Redis holds, make partitions
ahead, roll up the due days; and expire raw events."""

from datetime import datetime

from flask import current_app

from campaign.analytics import rollups
from campaign.analytics.buffer import get_buffer


def rollup(now: datetime) -> str:
    written = get_buffer(current_app).flush()  # Redis: every process's beacons; else this one's
    made = rollups.ensure_partitions(now=now)
    days = rollups.due_days(now=now)
    rows = rollups.roll_up(days, now=now)
    return f"{written} events written, {made} partitions made, {len(days)} days rolled into {rows} rows"


def expire(now: datetime) -> str:
    removed = rollups.expire(now=now, keep_days=current_app.config["ANALYTICS_RAW_DAYS"])
    return f"{removed} expired"
