"""`lock_row` locks and re-reads a row, and changes nothing in it, on SQLite as on PostgreSQL."""

from sqlalchemy import event, select

from campaign.campaigns.models import Campaign
from campaign.extensions import db
from campaign.locks import lock_row
from tests import factories


def test_locking_a_row_changes_nothing_in_it_and_writes_no_key(app):
    campaign = factories.campaign(factories.org(), launch=False)
    db.session.commit()
    row = select(*Campaign.__table__.columns).where(Campaign.id == campaign.id)
    before = db.session.execute(row).one()
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        lock_row(campaign)
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)

    assert db.session.execute(row).one() == before  # SQLite's lock used to stamp updated_at
    # Writing the key to itself made SQLite check every row that points at it (a campaign's entries).
    assert not [s for s in statements if s.startswith("UPDATE campaigns SET id=")]
