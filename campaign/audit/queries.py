"""Reading the audit trail, always within one organisation."""

import json
from collections.abc import Iterator

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from campaign.audit.models import AuditEvent
from campaign.audit.values import exportable
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.orgs.models import Organisation
from campaign.orgs.services import scoped

CSV_HEADER = ("when", "who", "actor_kind", "organisation", "action", "object_type", "object_id",
              "before", "after", "reason", "ip_address")  # fmt: skip


def events_for_object(org: Organisation, object_type: str, object_id: str) -> list[AuditEvent]:
    return events_for_objects(org, [(object_type, object_id)])


def events_for_objects(org: Organisation, objects: list[tuple[str, str]]) -> list[AuditEvent]:
    """The events about any of these (object type, public id) pairs, newest first: one trail for things
    that belong together, such as an entry and its review."""
    about = or_(*(and_(AuditEvent.object_type == kind, AuditEvent.object_id == id_) for kind, id_ in objects))
    return list(
        db.session.scalars(
            scoped(AuditEvent, org).where(about).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        )
    )


def events_with_actions(
    org: Organisation,
    actions: tuple[str, ...],
    *,
    object_ids: tuple[str, ...] | None = None,
    limit: int | None = None,
) -> list[AuditEvent]:
    """The organisation's events of these actions (about one object, known by any of `object_ids`), newest
    first."""
    query = scoped(AuditEvent, org).where(AuditEvent.action.in_(actions))
    if object_ids is not None:
        query = query.where(AuditEvent.object_id.in_(object_ids))
    query = query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def events_for_campaign(org: Organisation, campaign_id: int, *, limit: int | None = None) -> list[AuditEvent]:
    query = (
        scoped(AuditEvent, org)
        .where(AuditEvent.campaign_id == campaign_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def entries_named(org: Organisation, events: list[AuditEvent]) -> dict[str, Entry]:
    """The entries these events are about, by public id, with their renditions (one query, for thumbnails)."""
    ids = {e.object_id for e in events if e.object_type == "entry"}
    if not ids:
        return {}
    query = scoped(Entry, org).where(Entry.public_id.in_(ids)).options(selectinload(Entry.derivatives))
    return {entry.public_id: entry for entry in db.session.scalars(query)}


def csv_rows(org: Organisation, campaign_id: int) -> Iterator[tuple]:
    """Oldest first, streamed in batches; before/after as compact JSON."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.org_id == org.id, AuditEvent.campaign_id == campaign_id)
        .order_by(AuditEvent.created_at, AuditEvent.id)
        .execution_options(yield_per=500)
    )
    for event in db.session.scalars(query):
        yield (
            event.created_at.isoformat(),
            event.actor_label,
            str(event.actor_kind),
            org.name,
            event.action,
            event.object_type,
            event.object_id,
            json.dumps(exportable(event.before), ensure_ascii=False, sort_keys=True),
            json.dumps(exportable(event.after), ensure_ascii=False, sort_keys=True),
            event.reason,
            event.ip_address,
        )
