import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.campaigns.models import Campaign, Product
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.sqltypes import UTCDateTime, str_enum


class Layout(enum.StrEnum):
    GRID = "grid"
    CAROUSEL = "carousel"


class Gallery(db.Model):
    """A marketer's selection of approved, gallery-consented photos, embeddable on allowed origins."""

    __tablename__ = "galleries"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    # None: no minimum, posts without a rating too; else only photos rated at least this
    min_rating: Mapped[int | None] = mapped_column(Integer)
    layout: Mapped[Layout] = mapped_column(str_enum(Layout), default=Layout.GRID)
    allowed_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    pinned: Mapped[list[str]] = mapped_column(JSON, default=list)  # entry public ids, shown first, in order
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    snapshot_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snapshot_etag: Mapped[str] = mapped_column(String(64), default="")
    # Bumped in the transaction that changes what the gallery shows: the cache key of the API and embeds.
    version: Mapped[int] = mapped_column(Integer, default=1)

    campaign: Mapped[Campaign | None] = relationship()
    product: Mapped[Product | None] = relationship()
