"""Instant win's rows: the prize units of the release schedule and one play per accepted entry. The plan
(seed, odds, window, arrival counter) is the campaign's `DrawPlan`, shared with the drawn giveaway."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.sqltypes import UTCDateTime


class InstantWinSlot(db.Model):
    """One prize unit of an instant-win campaign, released at its time; claimed by at most one entry."""

    __tablename__ = "instant_win_slots"
    __table_args__ = (UniqueConstraint("campaign_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    prize_id: Mapped[int | None] = mapped_column(ForeignKey("prizes.id", ondelete="SET NULL"))
    prize_index: Mapped[int] = mapped_column(Integer)  # the prize's position when the schedule was made
    prize_name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)  # order of release (algorithm.schedule)
    release_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("entries.id", ondelete="SET NULL"), unique=True
    )
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InstantWinPlay(db.Model):
    """One entry's play, in order of arrival; `slot` is the unit it won, kept even when voided."""

    __tablename__ = "instant_win_plays"
    __table_args__ = (UniqueConstraint("campaign_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), unique=True)
    seq: Mapped[int] = mapped_column(Integer)
    score: Mapped[str] = mapped_column(String(64))
    lucky: Mapped[bool] = mapped_column(Boolean)
    already_won: Mapped[bool] = mapped_column(Boolean, default=False)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("instant_win_slots.id", ondelete="SET NULL"))
    played_at: Mapped[datetime] = mapped_column(UTCDateTime)
    voided_after_seq: Mapped[int | None] = mapped_column(Integer)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    address_sealed: Mapped[str] = mapped_column(Text, default="")  # the winner's postal address (Fernet)
    address_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # fulfilment (fulfilment.py): told when moderation approves the win, then the claim deadline
    notice_code: Mapped[str | None] = mapped_column(String(16), unique=True)  # "check your win" code
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    forfeited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the unit is not released again
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    address_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    entry: Mapped[Entry] = relationship()
    slot: Mapped[InstantWinSlot | None] = relationship()
