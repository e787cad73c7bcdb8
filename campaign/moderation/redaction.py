"""Caption redaction: a marketer may mask characters of the caption with ■, and do nothing else."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from campaign.audit.services import Actor, record_for_entry
from campaign.entries.models import Entry
from campaign.errors import DomainError
from campaign.extensions import db

MASK = "■"


class InvalidRedaction(DomainError):
    code = "invalid_redaction"
    field = "redacted_caption"
    message = _l("A redaction may only replace characters of the caption with ■; nothing else may change.")


def is_redaction_of(original: str, redacted: str) -> bool:
    """Same length, and every character either kept or replaced by the mask."""
    return len(original) == len(redacted) and all(
        r in (o, MASK) for o, r in zip(original, redacted, strict=True)
    )


def redact(entry: Entry, redacted: str, *, actor: Actor, now: datetime) -> None:
    """Sets the public caption; the original stays private. Giving back the original removes the mask."""
    if "\r\n" not in entry.caption:  # browsers send a textarea's line breaks as CRLF
        redacted = redacted.replace("\r\n", "\n")
    if not is_redaction_of(entry.caption, redacted):
        raise InvalidRedaction()
    before = entry.public_caption
    entry.redacted_caption = None if redacted == entry.caption else redacted
    if entry.public_caption == before:
        return
    db.session.flush()
    # How many characters the mask hides, never the text: a redaction hides what the customer should not
    # have written (a phone number), and the trail is append-only, beyond the customer's erasure.
    record_for_entry(
        actor,
        "entry.redact",
        entry,
        now=now,
        before={"masked_characters": masked_characters(entry.caption, before)},
        after={"masked_characters": masked_characters(entry.caption, entry.public_caption)},
    )


def masked_characters(original: str, public: str) -> int:
    """How many of the caption's characters the public caption hides."""
    return sum(o != p for o, p in zip(original, public, strict=True))
