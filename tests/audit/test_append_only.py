"""Audit events can be added, never changed or deleted: not by the ORM, not by raw SQL."""

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from campaign.audit.models import AuditEvent
from campaign.audit.services import Actor, AuditIsAppendOnly, record
from campaign.clock import utcnow
from campaign.extensions import db
from tests import factories


@pytest.fixture
def audit_event(app):
    organisation = factories.org()
    made = record(
        Actor.system(),
        "campaign.launch",
        org_id=organisation.id,
        object_type="campaign",
        object_id="abc",
        now=utcnow(),
        before={"status": "draft"},
        after={"status": "live"},
    )
    db.session.commit()
    return made


def test_the_orm_refuses_to_change_or_delete(audit_event):
    audit_event.reason = "rewritten history"
    with pytest.raises(AuditIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, audit_event.id))
    with pytest.raises(AuditIsAppendOnly):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET reason = 'x'", "DELETE FROM audit_events"],
)
def test_the_database_refuses_raw_sql(audit_event, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1
    assert db.session.scalar(select(AuditEvent.reason)) == ""


def test_no_code_path_updates_or_deletes_audit_events():
    """Reads the package's source: nothing but `record` touches AuditEvent rows for writing."""
    from pathlib import Path

    import campaign

    offenders = []
    for path in Path(campaign.__file__).parent.rglob("*.py"):
        source = path.read_text()
        for needle in ("update(AuditEvent", "delete(AuditEvent", "audit_events SET", "FROM audit_events"):
            if needle in source:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []
