"""Draw plans (seed commitment, beacon, rules), draws (frozen list, digest, revealed seed) and their picks."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.campaigns.models import Campaign, Prize
from campaign.clock import utcnow
from campaign.draws.algorithm import LATEST as LATEST_ALGORITHM
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.sqltypes import UTCDateTime, str_enum


class Eligibility(enum.StrEnum):
    APPROVED = "approved"  # approved entries sent inside the campaign window
    NOT_REJECTED = "not_rejected"  # every entry not rejected or withdrawn, inside the window


class DrawPlan(db.Model):
    """Made when the campaign goes live: the seed (sealed) and its public SHA-256 commitment."""

    __tablename__ = "draw_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), unique=True)
    seed_sealed: Mapped[str] = mapped_column(Text)
    commitment: Mapped[str] = mapped_column(String(64))
    # the ranking rule, fixed with the commitment: a campaign is drawn by the rule it was launched with
    algorithm: Mapped[str] = mapped_column(String(32), default=LATEST_ALGORITHM)
    beacon_source: Mapped[str] = mapped_column(String(500), default="")  # named in advance, or ""
    eligibility: Mapped[Eligibility] = mapped_column(str_enum(Eligibility), default=Eligibility.APPROVED)
    alternates_per_winner: Mapped[int] = mapped_column(Integer, default=1)
    claim_days: Mapped[int] = mapped_column(Integer, default=14)
    instant_plays: Mapped[int] = mapped_column(Integer, default=0)  # instant win: last arrival number
    # instant win: the window the release schedule was spread over at launch (later edits do not move it)
    instant_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instant_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instant_odds: Mapped[int] = mapped_column(Integer, default=1)  # fixed at launch, like the schedule
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()


class Draw(db.Model):
    """One per campaign (the unique constraint makes a second, concurrent draw fail)."""

    __tablename__ = "draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), unique=True)
    algorithm: Mapped[str] = mapped_column(String(32))  # the plan's, as drawn: what recomputes it
    commitment: Mapped[str] = mapped_column(String(64))
    seed_hex: Mapped[str] = mapped_column(String(64))  # revealed with the result
    beacon_source: Mapped[str] = mapped_column(String(500), default="")
    beacon: Mapped[str] = mapped_column(String(500), default="")
    eligibility: Mapped[Eligibility] = mapped_column(str_enum(Eligibility))
    frozen_list_key: Mapped[str] = mapped_column(String(300), default="")  # private storage (draws.frozen)
    digest: Mapped[str] = mapped_column(String(64))
    entry_count: Mapped[int] = mapped_column(Integer)
    prizes: Mapped[list] = mapped_column(JSON)  # [{id, name, winners, alternates}] in listed order
    exclusions: Mapped[list] = mapped_column(JSON)  # [{entry, reason}] before the freeze and in the walk
    terms_version: Mapped[str] = mapped_column(String(32))
    drawn_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    drawn_by_label: Mapped[str] = mapped_column(String(254), default="")
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()
    picks: Mapped[list["DrawPick"]] = relationship(
        back_populates="draw", cascade="all, delete-orphan", order_by="DrawPick.position"
    )


class PickState(enum.StrEnum):
    WAITING = "waiting"  # an alternate not (yet) needed
    CHECKING = "checking"  # a winner whose follow-and-post check is not done
    NOTIFIED = "notified"  # told by email, may claim until the deadline
    CLAIMED = "claimed"  # gave a postal address
    SHIPPED = "shipped"
    FORFEITED = "forfeited"  # did not claim in time
    EXCLUDED = "excluded"  # failed a check after the draw


class DrawPick(db.Model):
    __tablename__ = "draw_picks"
    __table_args__ = (UniqueConstraint("draw_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id", ondelete="CASCADE"), index=True)
    prize_id: Mapped[int] = mapped_column(ForeignKey("prizes.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # order in the ranking walk
    role: Mapped[str] = mapped_column(String(16))  # as drawn: "winner" or "alternate"
    rank: Mapped[int] = mapped_column(Integer)
    participant: Mapped[str] = mapped_column(String(64))
    score: Mapped[str] = mapped_column(String(64))
    state: Mapped[PickState] = mapped_column(str_enum(PickState))
    check_note: Mapped[str] = mapped_column(Text, default="")
    excluded_reason: Mapped[str] = mapped_column(String(32), default="")
    notice_code: Mapped[str | None] = mapped_column(String(16), unique=True)  # "check your win" code
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    address_sealed: Mapped[str] = mapped_column(Text, default="")
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    address_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    draw: Mapped[Draw] = relationship(back_populates="picks")
    prize: Mapped[Prize] = relationship()
    entry: Mapped[Entry] = relationship()
