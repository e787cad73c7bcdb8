"""The analytics duties `schedule.tick` runs under their leases: write what Redis holds, make partitions
ahead, roll up the due days; and expire raw events."""

from datetime import datetime, timedelta

from flask import current_app

from campaign.analytics import rollups
from campaign.analytics.buffer import get_buffer

ROLLUP_EVERY = timedelta(minutes=5)  # the reports are this late at most (said on the report page)


def next_rollup() -> datetime | None:
    """When the reports' counts are next brought up to date; None before the first rollup."""
    from campaign import schedule

    return schedule.next_turns(["analytics-rollup"]).get("analytics-rollup")


def rollup(now: datetime) -> str:
    written = get_buffer(current_app).flush()  # Redis: every process's beacons; else this one's
    made = rollups.ensure_partitions(now=now)
    days = rollups.due_days(now=now)
    rows = rollups.roll_up(days, now=now)
    return f"{written} events written, {made} partitions made, {len(days)} days rolled into {rows} rows"


def expire(now: datetime) -> str:
    removed = rollups.expire(now=now, keep_days=current_app.config["ANALYTICS_RAW_DAYS"])
    return f"{removed} expired"
