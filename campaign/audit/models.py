import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaign.clock import utcnow
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.sqltypes import UTCDateTime, str_enum


class ActorKind(enum.StrEnum):
    MEMBER = "member"  # a logged-in marketer
    CUSTOMER = "customer"  # through their private status link
    RIGHTS_LINK = "rights_link"  # whoever opened a rights page: its link sits in a public comment
    SYSTEM = "system"  # a job, the CLI, a deadline
    API = "api"  # an API key


class AuditEvent(db.Model):
    """Never updated, never deleted: the database itself refuses (see migration 0002)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "org_id", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    actor_kind: Mapped[ActorKind] = mapped_column(str_enum(ActorKind))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(
        String(254), default=""
    )  # email or "customer", kept if the user goes
    action: Mapped[str] = mapped_column(String(64), index=True)  # e.g. "entry.approve"
    object_type: Mapped[str] = mapped_column(String(32))  # e.g. "entry", "campaign"
    object_id: Mapped[str] = mapped_column(String(32))  # the object's public id
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
