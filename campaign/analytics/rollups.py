"""Daily rollups from the raw events, partitions made ahead, and raw events expired.

A day's rollup is recomputed whole from that day's raw events (delete, then one SELECT … GROUP BY into
the rollups, in one transaction; on PostgreSQL through a temporary table, see `_insert_day`), so running
it twice, or late, gives the same rows. The duty re-rolls every day from the last one it rolled (late
beacons of yesterday included) up to today. It runs under its lease (`schedule.tick`), so two schedulers
never roll at once.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import case, column, delete, func, insert, select, table, text

from campaign.analytics.models import Event, RolledDay, Rollup
from campaign.extensions import db

PARTITIONS_AHEAD = 3  # days
PARTITION_SCHEMA = "analytics_parts"


KEY = (Event.day, Event.campaign_id, Event.gallery_id, Event.photo_id, Event.product_id, Event.currency)
COLUMNS = [
    "day", "campaign_id", "gallery_id", "photo_id", "product_id", "currency", "org_id", "visits",
    "impressions", "views", "interactions", "clicks", "click_conversions", "view_conversions",
    "click_revenue_cents", "view_revenue_cents",
]  # fmt: skip


def _day_query(day: date):
    """One pass over the day's events grouped by key, kind and touch (a count and a sum each: cheap per
    row), then the few resulting rows pivoted into one row per key."""
    grouped = (
        select(
            *KEY,
            Event.kind,
            Event.touch,
            func.min(Event.org_id).label("org_id"),
            func.count().label("n"),
            func.sum(Event.value_cents).label("cents"),
        )
        .where(Event.day == day)
        .group_by(*KEY, Event.kind, Event.touch)
        .subquery()
    )
    c = grouped.c

    def count(kind: str, touch: str | None = None):
        when = (c.kind == kind) if touch is None else (c.kind == kind) & (c.touch == touch)
        return func.sum(case((when, c.n), else_=0))

    def revenue(touch: str):
        return func.sum(case(((c.kind == "conversion") & (c.touch == touch), c.cents), else_=0))

    key = (c.day, c.campaign_id, c.gallery_id, c.photo_id, c.product_id, c.currency)
    values = (
        *key,
        func.min(c.org_id),
        count("visit"),
        count("impression"),
        count("view"),
        count("interaction"),
        count("click"),
        count("conversion", "click"),
        count("conversion", "view"),
        revenue("click"),
        revenue("view"),
    )
    return select(*(value.label(name) for value, name in zip(values, COLUMNS, strict=True))).group_by(*key)


def _insert_day(day: date) -> int:
    """Writes the day's rollup rows; returns how many. On PostgreSQL the grouping runs as CREATE TABLE … AS,
    which may use parallel workers where INSERT … SELECT never does (PostgreSQL 15): on a busy host the
    day's scan then gets more than one process's share of the CPU. The few rows are copied after it."""
    query = _day_query(day)
    if db.engine.dialect.name != "postgresql":
        return db.session.execute(insert(Rollup).from_select(COLUMNS, query)).rowcount
    sql = query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})  # a date, literals
    db.session.execute(text(f"CREATE TEMP TABLE kk_rollup ON COMMIT DROP AS {sql}"))
    made = table("kk_rollup", *(column(name) for name in COLUMNS))
    return db.session.execute(insert(Rollup).from_select(COLUMNS, select(*made.c))).rowcount


def roll_up(days: list[date], *, now: datetime) -> int:
    """Recomputes the rollups of `days` (commits); returns the rollup rows written (-1: not reported)."""
    written = 0
    for day in days:
        db.session.execute(delete(Rollup).where(Rollup.day == day))
        written += _insert_day(day)
        db.session.execute(delete(RolledDay).where(RolledDay.day == day))
        db.session.add(RolledDay(day=day, rolled_at=now))
        db.session.commit()
    return written


def due_days(*, now: datetime) -> list[date]:
    """From the day before the last rolled day (or the first raw event's day) to tomorrow (UTC): local
    days run up to 14 hours ahead of UTC."""
    last = db.session.scalar(select(func.max(RolledDay.day)))
    first = last - timedelta(days=1) if last else db.session.scalar(select(func.min(Event.day)))
    end = now.date() + timedelta(days=1)
    if first is None:
        return []
    first = max(first, end - timedelta(days=400))
    return [first + timedelta(days=i) for i in range((end - first).days + 1)]


def _partition(day: date) -> str:
    return f"{PARTITION_SCHEMA}.analytics_events_{day:%Y%m%d}"


def _existing_partitions() -> dict[str, date]:
    rows = db.session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'analytics_events'"
        )
    ).scalars()
    found = {}
    for name in rows:
        suffix = name.rsplit("_", 1)[-1]
        if suffix.isdigit():
            found[name] = datetime.strptime(suffix, "%Y%m%d").date()  # noqa: DTZ007 (a date, no time)
    return found


def ensure_partitions(*, now: datetime) -> int:
    """PostgreSQL: a partition for each day from yesterday to PARTITIONS_AHEAD days on (commits). A day's
    rows already in the default partition are moved into its new partition in the same transaction."""
    if db.engine.dialect.name != "postgresql":
        return 0
    have = set(_existing_partitions().values())
    made = 0
    for offset in range(-1, PARTITIONS_AHEAD + 1):
        day = now.date() + timedelta(days=offset)
        if day in have:
            continue
        following = day + timedelta(days=1)
        db.session.execute(text("LOCK TABLE analytics_events IN ACCESS EXCLUSIVE MODE"))
        db.session.execute(
            text(
                "CREATE TEMP TABLE kk_moving ON COMMIT DROP AS SELECT * FROM "
                "analytics_parts.analytics_events_default WHERE day = :day"
            ),
            {"day": day},
        )
        db.session.execute(
            text("DELETE FROM analytics_parts.analytics_events_default WHERE day = :day"), {"day": day}
        )
        db.session.execute(
            text(
                f"CREATE TABLE {_partition(day)} PARTITION OF analytics_events "
                f"FOR VALUES FROM ('{day.isoformat()}') TO ('{following.isoformat()}')"
            )
        )
        db.session.execute(text("INSERT INTO analytics_events SELECT * FROM kk_moving"))
        db.session.commit()
        made += 1
    return made


def expire(*, now: datetime, keep_days: int) -> int:
    """Raw events older than `keep_days` are deleted (PostgreSQL: their partitions dropped); rollups stay.
    Returns the days (PostgreSQL partitions) or rows (SQLite) removed; commits."""
    cutoff = now.date() - timedelta(days=keep_days)
    if db.engine.dialect.name == "postgresql":
        dropped = 0
        for name, day in _existing_partitions().items():
            if day < cutoff:
                db.session.execute(text(f"DROP TABLE {PARTITION_SCHEMA}.{name}"))
                dropped += 1
        db.session.execute(
            text("DELETE FROM analytics_parts.analytics_events_default WHERE day < :cutoff"),
            {"cutoff": cutoff},
        )
        db.session.commit()
        return dropped
    removed = db.session.execute(delete(Event).where(Event.day < cutoff)).rowcount
    db.session.commit()
    return removed
