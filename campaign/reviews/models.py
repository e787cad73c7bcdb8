import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.campaigns.models import Campaign, Product
from campaign.clock import utcnow
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.sqltypes import UTCDateTime, str_enum


class ReviewStatus(enum.StrEnum):
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Review(db.Model):
    """An entry republished as a review of one of its campaign's products (always incentivised)."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    status: Mapped[ReviewStatus] = mapped_column(str_enum(ReviewStatus), default=ReviewStatus.PUBLISHED)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_with_entry: Mapped[bool] = mapped_column(default=False)  # comes back when it is approved again
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    entry: Mapped[Entry] = relationship()
    campaign: Mapped[Campaign] = relationship()
    product: Mapped[Product] = relationship()
