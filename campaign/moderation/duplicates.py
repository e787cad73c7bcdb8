"""A photo the pipeline flagged as a copy of an earlier entry that a person judges is not one.

An approved entry flagged so is left out of the draw (`draws.eligibility`); the draw screen says how many
before the draw. An owner or approver (the people who may draw) clears the mark on the entry's page, with
the reason, which the audit trail keeps. Only before the draw: a draw made cannot be changed by it.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from campaign.audit.services import Actor, record_for_entry
from campaign.draws.services import draw_of
from campaign.entries.models import Entry
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.locks import lock_row
from campaign.moderation.services import clean_note

ACTION = "entry.not_duplicate"


class ReasonRequired(DomainError):
    status = 422
    code = "reason_required"
    field = "note"
    message = _l("Say why this photo is not a duplicate: the reason is kept in the audit trail.")


class AlreadyDrawn(DomainError):
    status = 409
    code = "already_drawn"
    message = _l("The winners have been drawn: the duplicate mark can no longer change who takes part.")


def clear_mark(entry: Entry, *, note: str, actor: Actor, now: datetime) -> bool:
    """Clears the entry's duplicate mark (flushes, audited); False when it carried none (a second click)."""
    lock_row(entry)
    if entry.duplicate_of_id is None and not entry.duplicate_kind:
        return False
    note = clean_note(note)
    if not note:
        raise ReasonRequired()
    if draw_of(entry.campaign) is not None:
        raise AlreadyDrawn()
    earlier = entry.duplicate_of.public_id if entry.duplicate_of is not None else ""
    before = {"duplicate_of": earlier, "duplicate": entry.duplicate_kind}
    entry.duplicate_of_id, entry.duplicate_kind = None, ""
    db.session.flush()
    record_for_entry(
        actor,
        ACTION,
        entry,
        now=now,
        before=before,
        after={"duplicate": ""},
        reason=note,
    )
    return True
