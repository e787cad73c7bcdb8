"""Writing the audit trail. `record` is the only writer; nothing updates or deletes an event."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session

from campaign.audit.models import ActorKind, AuditEvent
from campaign.auth.models import User
from campaign.extensions import db


@dataclass(frozen=True)
class Actor:
    """Who did it, and from where. Views build it from the request; jobs use `Actor.system()`."""

    kind: ActorKind
    user: User | None = None
    ip_address: str = ""

    @classmethod
    def member(cls, user: User, ip_address: str = "") -> "Actor":
        return cls(ActorKind.MEMBER, user, ip_address)

    @classmethod
    def customer(cls, ip_address: str = "") -> "Actor":
        return cls(ActorKind.CUSTOMER, None, ip_address)

    @classmethod
    def rights_link(cls, ip_address: str = "") -> "Actor":
        """Someone on a rights page: its link is public, so not necessarily the creator."""
        return cls(ActorKind.RIGHTS_LINK, None, ip_address)

    @classmethod
    def system(cls) -> "Actor":
        return cls(ActorKind.SYSTEM)

    @property
    def label(self) -> str:
        return self.user.email if self.user is not None else self.kind.value


def record(
    actor: Actor,
    action: str,
    *,
    org_id: int,
    object_type: str,
    object_id: str,
    now: datetime,
    campaign_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Adds one event to the caller's transaction, so it commits (or not) with the change it describes."""
    audit_event = AuditEvent(
        org_id=org_id,
        campaign_id=campaign_id,
        actor_kind=actor.kind,
        actor_user_id=actor.user.id if actor.user is not None else None,
        actor_label=actor.label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before or {},
        after=after or {},
        reason=reason,
        ip_address=actor.ip_address[:45],
        created_at=now,
    )
    db.session.add(audit_event)
    return audit_event


def record_for_entry(actor: Actor, action: str, entry, *, now: datetime, **changes) -> AuditEvent:
    """`record` of an event about an entry: its organisation, its campaign, the entry by its public id."""
    return record(
        actor,
        action,
        org_id=entry.org_id,
        campaign_id=entry.campaign_id,
        object_type="entry",
        object_id=entry.public_id,
        now=now,
        **changes,
    )


class AuditIsAppendOnly(RuntimeError):
    pass


def _refuse_changes(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditIsAppendOnly("audit events are never changed or deleted")


def install() -> None:
    """The ORM refuses first; the database's triggers refuse whatever bypasses the ORM."""
    if not event.contains(Session, "before_flush", _refuse_changes):
        event.listen(Session, "before_flush", _refuse_changes)
