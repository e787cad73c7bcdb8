import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.clock import utcnow
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.orgs.models import Organisation
from campaign.sqltypes import UTCDateTime


class CampaignStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    LIVE = "live"
    CLOSED = "closed"
    ARCHIVED = "archived"


CONSENT_SCOPES = ("gallery", "review", "social")


class Campaign(db.Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    launched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # retention ran (privacy)
    allows_upload: Mapped[bool] = mapped_column(default=True)
    allows_follow_and_post: Mapped[bool] = mapped_column(default=False)
    brand_handle: Mapped[str] = mapped_column(String(100), default="")
    hashtags: Mapped[list[str]] = mapped_column(JSON, default=list)
    entries_per_person: Mapped[int] = mapped_column(Integer, default=1)
    terms_text: Mapped[str] = mapped_column(Text, default="")
    terms_version: Mapped[str] = mapped_column(String(32), default="1")
    consent_scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # moderation (issue 4): the client's approver signs off entries and the launch; customer emails
    two_stage_approval: Mapped[bool] = mapped_column(default=False)
    notify_customers: Mapped[bool] = mapped_column(default=False)
    launch_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    launch_requested_by: Mapped[str] = mapped_column(String(254), default="")

    # draws (issue 5): 景品表示法 campaign type and the figures its caps depend on (campaigns/premiums.py)
    premium_type: Mapped[str] = mapped_column(String(16), default="open")
    transaction_value_jpy: Mapped[int | None] = mapped_column(Integer)
    projected_sales_jpy: Mapped[int | None] = mapped_column(BigInteger)
    # instant win: every entry sees its result at once; odds N means a play is lucky with probability 1/N
    instant_win: Mapped[bool] = mapped_column(default=False)
    instant_win_odds: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship()
    products: Mapped[list["Product"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="Product.position"
    )
    prizes: Mapped[list["Prize"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="Prize.position"
    )

    def status(self, now: datetime) -> CampaignStatus:
        """Derived from the clock, never stored: draft until launched, then scheduled, live, closed."""
        if self.archived_at is not None:
            return CampaignStatus.ARCHIVED
        if self.launched_at is None or self.opens_at is None or self.closes_at is None:
            return CampaignStatus.DRAFT
        if now < self.opens_at:
            return CampaignStatus.SCHEDULED
        if now < self.closes_at:
            return CampaignStatus.LIVE
        return CampaignStatus.CLOSED

    @property
    def requires_social_post(self) -> bool:
        return self.allows_follow_and_post and not self.allows_upload


class Product(db.Model):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    sku: Mapped[str] = mapped_column(String(64), default="")
    jan: Mapped[str] = mapped_column(String(14), default="")
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000), default="")

    campaign: Mapped[Campaign] = relationship(back_populates="products")


class Prize(db.Model):
    __tablename__ = "prizes"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    value_jpy: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="prizes")


class RetiredSlug(db.Model):
    """An address a launched campaign used before a rename: it redirects to the campaign and is never
    given to another one (mails already sent link to it, and a winner's genuine code must stay genuine)."""

    __tablename__ = "retired_slugs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
