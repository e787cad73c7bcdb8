"""Erasing one entrant's data: the customer's own request, or an owner's answer to a request by email.

The entry is first withdrawn through the moderation state machine (public copies, reviews, galleries and
any win go, as for the customer's own withdrawal), then its personal data is blanked in the same
transaction, and its photo objects are deleted once that transaction has committed. What a draw needs to
verify stays: the entry's public id and its opaque participant token.
"""

from datetime import datetime

from sqlalchemy import select

from campaign import jobs
from campaign.audit.models import ActorKind
from campaign.audit.services import Actor, record_for_entry
from campaign.draws.models import DrawPick
from campaign.entries.models import ERASED_ORIGINAL, Entry
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.instant.models import InstantWinPlay
from campaign.locks import lock_row
from campaign.storage import get_storage

# What an erasure removes, as named in its audit event (the event never holds the values themselves).
ERASED = (
    "email",
    "caption",
    "nickname",
    "social_handle",
    "post_url",
    "team_note",
    "photos",
    "postal_address",
)


def erase_entry(entry: Entry, *, actor: Actor, now: datetime) -> bool:
    """Withdraws the entry (if the customer has not yet) and erases its personal data; audited.

    Returns False when it was erased already (a second click changes nothing). The caller commits.
    """
    from campaign.entries.services import withdraw

    if lock_row(entry).erased_at is not None:
        return False
    # The state machine's customer move: the request is the customer's, whoever passes it on.
    withdraw(entry, now=now, ip_address=actor.ip_address if actor.kind is ActorKind.CUSTOMER else "")
    keys = erase_data(entry, now)
    db.session.flush()
    record_for_entry(
        actor,
        "entry.erase",
        entry,
        now=now,
        after={"erased": list(ERASED)},
    )
    jobs.after_commit(delete_unreferenced, keys)
    return True


def erase_data(entry: Entry, now: datetime, *, by: str = "") -> list[str]:
    """Blanks what the entry holds of its person (ERASED) and marks it erased; returns the keys of its photo
    objects, to delete once the transaction has committed (`delete_unreferenced`). The entry's status is
    the caller's: an erasure withdraws it first, retention erases only entries not shown (`by` "retention":
    its status page says why)."""
    keys = [entry.original_key, *(item.key for item in entry.derivatives)]
    blank_contact(entry)
    entry.caption, entry.redacted_caption, entry.nickname, entry.team_note = "", None, None, ""
    entry.person_digest = entry.account_digest = None
    entry.erased_by = by
    if not entry.network:  # a form's key was derived from the address and the photo
        entry.idempotency_key = new_public_id()
    if not entry.refused:  # the photo's fingerprints go with it; one the brand refused stays refused
        entry.content_hash = entry.perceptual_hash = ""
        _compare_copies_again(entry, now)
    entry.derivatives.clear()
    entry.original_key = ERASED_ORIGINAL + entry.public_id
    entry.erased_at = now
    forget_addresses(entry, now)
    return keys


DUPLICATE_RELEASED = "entry.duplicate_released"


def _compare_copies_again(erased: Entry, now: datetime) -> None:
    """Entries marked as copies of the erased one are compared again with what is left: nothing of its photo
    remains to compare them with (the studio linked a blank page), and the draw left them out for it (a
    walk-through's find), while a copy sent after the erasure was never marked. A copy of another earlier
    entry stays marked, as that one's copy. Each change is audited."""
    from campaign.entries.processing import flag_duplicate

    db.session.flush()  # the erased entry's fingerprints are blank for the comparison
    copies = db.session.scalars(select(Entry).where(Entry.duplicate_of_id == erased.id).order_by(Entry.id))
    for copy in copies:
        copy.duplicate_of_id, copy.duplicate_kind = None, ""
        flag_duplicate(copy)
        db.session.flush()
        record_for_entry(
            Actor.system(),
            DUPLICATE_RELEASED,
            copy,
            now=now,
            before={"duplicate_of": erased.public_id},
            after={"duplicate_of": _public_id(copy.duplicate_of_id)},
        )


def _public_id(entry_id: int | None) -> str:
    return db.session.scalar(select(Entry.public_id).where(Entry.id == entry_id)) if entry_id else ""


def blank_contact(entry: Entry) -> None:
    """Email and social account go; the per-person slot is given back (an empty address holds none)."""
    entry.email = entry.email_normalised = ""
    entry.person_slot = None
    entry.social_handle = entry.post_url = ""
    entry.social_account = None
    from campaign.rights.services import forget_text

    forget_text(entry)  # a rights request's text names the creator's @handle


def forget_addresses(entry: Entry, now: datetime) -> None:
    """A win's sealed postal address, whatever its state (a given-up win needs none)."""
    for model in (DrawPick, InstantWinPlay):
        for row in db.session.scalars(
            select(model).where(model.entry_id == entry.id, model.address_sealed != "")
        ):
            row.address_sealed = ""
            row.address_purged_at = now


def delete_unreferenced(keys: list[str]) -> list[str]:
    """A job: deletes those of `keys` no row points at now (an exact duplicate shares renditions)."""
    from campaign.entries.services import referenced_keys

    keys = [key for key in keys if not key.startswith(ERASED_ORIGINAL)]
    gone = sorted(set(keys) - referenced_keys(keys))
    storage = get_storage()
    for key in gone:
        storage.delete(key)
    return gone
