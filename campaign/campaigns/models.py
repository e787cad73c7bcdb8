import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.brandpage.models import BrandImage
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


# a campaign's page is public while the campaign is in one of these (not a draft, not archived)
PAGE_ONLINE = frozenset({CampaignStatus.SCHEDULED, CampaignStatus.LIVE, CampaignStatus.CLOSED})

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
    # brand page (issue 13): `title` and `description` are the Japanese texts; English beside them
    title_en: Mapped[str] = mapped_column(String(200), default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    brand_color: Mapped[str] = mapped_column(String(7), default="")  # "#rrggbb", "" = the house accent
    hero_image_id: Mapped[int | None] = mapped_column(ForeignKey("brand_images.id", ondelete="SET NULL"))
    logo_image_id: Mapped[int | None] = mapped_column(ForeignKey("brand_images.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    hero_image: Mapped[BrandImage | None] = relationship(foreign_keys=[hero_image_id])
    logo_image: Mapped[BrandImage | None] = relationship(foreign_keys=[logo_image_id])
    products: Mapped[list["Product"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="Product.position"
    )
    prizes: Mapped[list["Prize"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="Prize.position"
    )

    def page_online(self, now: datetime) -> bool:
        """Whether its campaign page is public: launched and not archived (scheduled, live or closed)."""
        return self.status(now) in PAGE_ONLINE

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

    def title_for(self, locale: str) -> str:
        """The title in the reader's language, else the other one (brand page, issue 13)."""
        return (
            (self.title_en or self.title) if str(locale).startswith("en") else (self.title or self.title_en)
        )

    def description_for(self, locale: str) -> str:
        if str(locale).startswith("en"):
            return self.description_en or self.description
        return self.description or self.description_en

    def text_lang(self, locale: str) -> str:
        """The language the title is shown in for this reader (for lang="…")."""
        return "en" if str(locale).startswith("en") and self.title_en else "ja"

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
    image_id: Mapped[int | None] = mapped_column(ForeignKey("brand_images.id", ondelete="SET NULL"))

    campaign: Mapped[Campaign] = relationship(back_populates="prizes")
    image: Mapped[BrandImage | None] = relationship()


class RetiredSlug(db.Model):
    """An address a launched campaign used before a rename: it redirects to the campaign and is never
    given to another one (mails already sent link to it, and a winner's genuine code must stay genuine)."""

    __tablename__ = "retired_slugs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
