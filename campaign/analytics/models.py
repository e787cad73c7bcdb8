"""What analytics keeps: raw events (expire after N days), daily rollups (kept), and order ids (dedup).

No column holds an address, a user agent, a cookie or any identifier that outlives one page view.
"""

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from campaign.extensions import db
from campaign.sqltypes import UTCDateTime

KINDS = ("visit", "impression", "view", "interaction", "click", "conversion")


class Event(db.Model):
    """One accepted event. `day` is the organisation's local date; on PostgreSQL the table is partitioned
    by it (one partition per day, made ahead by the rollup duty), so expiry drops whole partitions."""

    __tablename__ = "analytics_events"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(48), primary_key=True)  # random per page view + a counter
    org_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    campaign_id: Mapped[int] = mapped_column(Integer, default=0)  # visits of a campaign page
    gallery_id: Mapped[int] = mapped_column(Integer, default=0)
    photo_id: Mapped[int] = mapped_column(Integer, default=0)  # the entry's id; 0 when not about one photo
    product_id: Mapped[int] = mapped_column(Integer, default=0)
    touch: Mapped[str] = mapped_column(String(5), default="")  # a conversion's: "click" or "view"
    value_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # hundredths of `currency`
    currency: Mapped[str] = mapped_column(String(3), default="")


class Rollup(db.Model):
    """Counts per local day × campaign (visits) × gallery × photo × product × currency (conversions)."""

    __tablename__ = "analytics_rollups"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gallery_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    photo_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    org_id: Mapped[int] = mapped_column(Integer, index=True)
    visits: Mapped[int] = mapped_column(BigInteger, default=0)
    impressions: Mapped[int] = mapped_column(BigInteger, default=0)
    views: Mapped[int] = mapped_column(BigInteger, default=0)  # a photo was in sight when its gallery was
    interactions: Mapped[int] = mapped_column(BigInteger, default=0)
    clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    click_conversions: Mapped[int] = mapped_column(BigInteger, default=0)
    view_conversions: Mapped[int] = mapped_column(BigInteger, default=0)
    click_revenue_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    view_revenue_cents: Mapped[int] = mapped_column(BigInteger, default=0)


class Order(db.Model):
    """An order id already counted (SHA-256 of organisation and id): a conversion is counted once."""

    __tablename__ = "analytics_orders"

    org_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date)


class RolledDay(db.Model):
    """When each day was last rolled up: the duty re-rolls from the last one on (late events included)."""

    __tablename__ = "analytics_rolled_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    rolled_at: Mapped[datetime] = mapped_column(UTCDateTime)
