"""Dashboard numbers for one campaign.

Entries per day are bucketed in Python in the organisation's time zone: one query fetches the creation
times (portable across SQLite and PostgreSQL, no time-zone SQL). Fine up to tens of thousands of entries;
beyond that, group in SQL with PostgreSQL's `AT TIME ZONE`.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from campaign.campaigns.models import Campaign
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db

MAX_DAYS = 366


@dataclass
class Dashboard:
    by_state: dict[str, int]
    total: int
    per_day: list[tuple[date, int]]


def counts_by_state(campaign: Campaign) -> dict[str, int]:
    rows = db.session.execute(
        select(Entry.status, func.count())
        .where(Entry.campaign_id == campaign.id, Entry.org_id == campaign.org_id)
        .group_by(Entry.status)
    ).all()
    found = {str(status): count for status, count in rows}
    return {state.value: found.get(state.value, 0) for state in EntryStatus}


def entries_per_day(campaign: Campaign, timezone: str, *, now: datetime) -> list[tuple[date, int]]:
    """Every day from the first entry (or the opening) to today or the close, zeros included."""
    zone = ZoneInfo(timezone)
    times = db.session.scalars(
        select(Entry.created_at).where(Entry.campaign_id == campaign.id, Entry.org_id == campaign.org_id)
    ).all()
    counts: dict[date, int] = {}
    for created in times:
        day = created.astimezone(zone).date()
        counts[day] = counts.get(day, 0) + 1
    starts = [d for d in (campaign.opens_at.astimezone(zone).date() if campaign.opens_at else None,) if d]
    first = min(list(counts) + starts, default=None)
    if first is None:
        return []
    end = now if campaign.closes_at is None else min(now, campaign.closes_at)
    last = max([end.astimezone(zone).date(), *counts])
    first = max(first, last - timedelta(days=MAX_DAYS - 1))
    return [
        (first + timedelta(days=i), counts.get(first + timedelta(days=i), 0))
        for i in range((last - first).days + 1)
    ]


def dashboard(campaign: Campaign, timezone: str, *, now: datetime) -> Dashboard:
    by_state = counts_by_state(campaign)
    return Dashboard(by_state, sum(by_state.values()), entries_per_day(campaign, timezone, now=now))
