"""Writing a batch of accepted beacons in bulk: one statement for all events, one per conversion's order."""

import logging

from sqlalchemy.dialects import postgresql, sqlite

from campaign.analytics.intake import Accepted
from campaign.analytics.models import Event, Order
from campaign.extensions import db

log = logging.getLogger(__name__)


def _insert(model):
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(model.__table__).on_conflict_do_nothing()


def write(batch: list[Accepted]) -> int:
    """Stores the batch in one transaction (commits); returns the rows offered. A replayed event id (same
    day) or order id is skipped by the database itself. On a failure nothing is stored and it raises."""
    rows: list[dict] = []
    try:
        for accepted in batch:
            if accepted.order is not None:
                org_id, key = accepted.order
                day = accepted.rows[0]["day"]
                new = _insert(Order).returning(Order.__table__.c.order_key)
                if db.session.execute(new, {"org_id": org_id, "order_key": key, "day": day}).first() is None:
                    continue  # this order was counted before
            rows.extend(accepted.rows)
        if rows:
            db.session.execute(_insert(Event), rows)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return len(rows)
