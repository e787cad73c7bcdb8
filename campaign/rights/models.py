"""Request templates, an organisation's rights settings, and one rights request per collected entry.

A grant is ALSO a `Consent` row of the entry (entries.models), so the one public gate reads uploads and
collected posts alike; this table keeps how the right was asked, what proves it, and its state."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.clock import utcnow
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.sqltypes import UTCDateTime, str_enum

RIGHTS_SCOPES = ("gallery", "review", "ads")  # what a creator can grant: our two public surfaces, and ads


class RightsState(enum.StrEnum):
    TO_SEND = "to_send"  # made; waits for the API (retried) or for the marketer to post it by hand
    REQUESTED = "requested"  # posted on the network; waits for the creator's answer
    GRANTED = "granted"
    DECLINED = "declined"
    EXPIRED = "expired"  # no answer within the organisation's expiry days, or a grant's period ended
    WITHDRAWN = "withdrawn"  # granted, then taken back by the creator (or by the brand for them)


class Proof(enum.StrEnum):
    NONE = ""
    VERIFIED = "verified"  # a reply with the key hashtag, read from the API, by the post author's account
    UNVERIFIED = "unverified"  # a click on the rights page: whoever had the link
    MANUAL = "manual"  # the marketer recorded a grant they saw themselves (e.g. a reply read by hand)


class RightsTemplate(db.Model):
    __tablename__ = "rights_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))  # "ja" or "en"
    network: Mapped[str] = mapped_column(String(16), default="")  # "" both, "instagram" or "x"
    body: Mapped[str] = mapped_column(Text)  # with {link} (required) and {handle} (optional)
    hashtag: Mapped[str] = mapped_column(String(60))  # the key hashtag, without "#"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RightsSettings(db.Model):
    __tablename__ = "rights_settings"

    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    expiry_days: Mapped[int] = mapped_column(Integer, default=14)  # an unanswered request expires after
    grant_months: Mapped[int] = mapped_column(Integer, default=24)  # how long a grant lasts
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)  # what a request asks for


class RightsRequest(db.Model):
    __tablename__ = "rights_requests"
    __table_args__ = (Index("ix_rights_requests_org_state", "org_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), unique=True)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("rights_templates.id", ondelete="SET NULL"))
    network: Mapped[str] = mapped_column(String(16))
    state: Mapped[RightsState] = mapped_column(str_enum(RightsState), default=RightsState.TO_SEND)
    delivery: Mapped[str] = mapped_column(String(8))  # "api" (posted for the marketer) or "manual"
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)  # exactly what is (to be) posted, link included
    hashtag: Mapped[str] = mapped_column(String(60))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)  # asked for; granted ones on the Consent
    terms_version: Mapped[str] = mapped_column(String(32))
    grant_months: Mapped[int] = mapped_column(Integer)
    reply_post_id: Mapped[str] = mapped_column(String(64), default="")  # our posted comment or reply
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(32), default="")  # a failure kind (see delivery.py)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a rate limit's reset
    proof: Mapped[Proof] = mapped_column(str_enum(Proof), default=Proof.NONE)
    proof_post_id: Mapped[str] = mapped_column(String(64), default="")  # the creator's reply
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # an unanswered request's end
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    grant_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    entry: Mapped[Entry] = relationship()
    template: Mapped[RightsTemplate | None] = relationship()
