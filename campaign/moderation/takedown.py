"""After a takedown: delete public renditions that no remaining entry still shows (a job, after commit).

Derivative keys are content-addressed, so an exact duplicate shares objects with the withdrawn entry:
an object is deleted only when no Derivative row points at it any more.
"""

import logging

from sqlalchemy import select

from campaign.entries.models import Derivative
from campaign.extensions import db
from campaign.storage import get_storage

log = logging.getLogger(__name__)


def purge_unreferenced(keys: list[str]) -> list[str]:
    """Deletes those of `keys` that no row references; returns the deleted keys."""
    still_used = set(db.session.scalars(select(Derivative.key).where(Derivative.key.in_(keys))))
    storage = get_storage()
    deleted = []
    for key in sorted(set(keys) - still_used):
        storage.delete(key)  # a missing object is not an error
        deleted.append(key)
    log.info("takedown: deleted %d public objects", len(deleted))
    return deleted
