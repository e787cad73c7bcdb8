"""A campaign's sources on the networks, and each Instagram account's hashtag budget."""

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.campaigns.models import Campaign
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.sqltypes import UTCDateTime, str_enum


class SourceKind(enum.StrEnum):
    INSTAGRAM_HASHTAG = "instagram_hashtag"  # ig_hashtag_search → /{hashtag-id}/recent_media (top_media)
    INSTAGRAM_TAGS = "instagram_tags"  # /{ig-user-id}/tags, mentioned media (webhook)
    X_SEARCH = "x_search"  # /2/tweets/search/recent

    @property
    def network(self) -> str:
        return "x" if self is SourceKind.X_SEARCH else "instagram"


class SourceState(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"


class Source(db.Model):
    """Where a campaign collects posts from; its cursor says where the last poll stopped."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SourceKind] = mapped_column(
        Enum(SourceKind, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e])
    )
    query: Mapped[str] = mapped_column(String(500), default="")  # a hashtag (IG) or the search query (X)
    include_top: Mapped[bool] = mapped_column(default=False)  # IG hashtag: top_media too
    state: Mapped[SourceState] = mapped_column(str_enum(SourceState), default=SourceState.ACTIVE)
    # where the last pass stopped: X `newest_id`, Instagram the newest media id seen (per edge)
    cursor: Mapped[dict] = mapped_column(JSON, default=dict)
    last_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # rate limits: resume there
    api_pages: Mapped[int] = mapped_column(Integer, default=0)  # API requests, all passes together
    last_pages: Mapped[int] = mapped_column(Integer, default=0)  # API requests of the latest pass
    collected: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[dict] = mapped_column(JSON, default=dict)  # reason code -> count (video, not_an_image…)
    retry: Mapped[list] = mapped_column(JSON, default=list)  # posts whose media download failed: tried again
    error_code: Mapped[str] = mapped_column(String(40), default="")  # translated when shown
    error_detail: Mapped[str] = mapped_column(Text, default="")  # the API's own words, for support
    error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()

    @property
    def network(self) -> str:
        return self.kind.network


class HashtagSearch(db.Model):
    """Instagram allows 30 unique hashtags per account in a rolling 7 days: when each was first searched."""

    __tablename__ = "hashtag_searches"
    __table_args__ = (UniqueConstraint("org_id", "hashtag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    hashtag: Mapped[str] = mapped_column(String(100))
    hashtag_id: Mapped[str] = mapped_column(String(64), default="")
    searched_at: Mapped[datetime] = mapped_column(UTCDateTime)
