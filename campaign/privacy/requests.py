"""Requests by email under 個人情報保護法 (disclosure and deletion), for all of an organisation's campaigns.

An owner types the requester's email address: the export is a zip of `entries.json` (everything we hold
about each entry, postal addresses included) and the original photos; the erasure is the customer's own
erasure (privacy.erasure) for each entry. Both are audited under a keyed hash of the address, never the
address itself, so the trail can answer "did we act on this address?" without holding it.
"""

import hashlib
import hmac
import io
import json
import zipfile
from collections.abc import Callable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign.audit.services import Actor, record
from campaign.draws import sealing
from campaign.draws.models import DrawPick
from campaign.draws.winners import address_of
from campaign.entries.models import ERASED_ORIGINAL, Entry
from campaign.entries.rules import normalise_email, valid_email
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.instant.models import InstantWinPlay
from campaign.orgs.models import Organisation
from campaign.orgs.services import scoped
from campaign.privacy.erasure import erase_entry
from campaign.storage.base import Storage


class InvalidRequest(DomainError):
    code = "invalid_privacy_request"
    field = "email"
    message = _l("Enter the requester's email address, like name@example.com.")


def email_hash(secret: str, email: str) -> str:
    """A keyed hash of the normalised address (32 hex digits, the audit's object id)."""
    key = sealing.derived_key(secret, "privacy-request")
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()[:32]


def entries_of(org: Organisation, email: str) -> list[Entry]:
    """Every entry of the organisation's campaigns sent from this mailbox (as entries count a person)."""
    if valid_email(email or "") is None:
        raise InvalidRequest()
    query = scoped(Entry, org).where(Entry.email_normalised == normalise_email(email)).order_by(Entry.id)
    return list(db.session.scalars(query))


def _audit(org: Organisation, action: str, email: str, *, actor: Actor, secret: str, now: datetime, **after):
    record(
        actor,
        action,
        org_id=org.id,
        object_type="person",
        object_id=email_hash(secret, email),
        now=now,
        after=after,
    )


def _describe(entry: Entry, secret: str) -> dict:
    wins = [
        *db.session.scalars(select(DrawPick).where(DrawPick.entry_id == entry.id)),
        *db.session.scalars(select(InstantWinPlay).where(InstantWinPlay.entry_id == entry.id)),
    ]
    consent = entry.consent
    return {
        "entry": entry.public_id,
        "campaign": {"slug": entry.campaign.slug, "title": entry.campaign.title},
        "received_at": entry.created_at.isoformat(),
        "status": str(entry.status),
        "email": entry.email,
        "nickname": entry.nickname,
        "caption": entry.caption,
        "rating": entry.rating,
        "product": entry.product.name if entry.product else None,
        "social_handle": entry.social_handle,
        "post_url": entry.post_url,
        "language": entry.locale,
        "consent": {
            "terms_version": consent.terms_version,
            "scopes": consent.scopes,
            "given_at": consent.given_at.isoformat(),
        }
        if consent
        else None,
        "photo": f"photos/{entry.public_id}.{entry.original_format}" if _has_original(entry) else None,
        "postal_addresses": [a for win in wins if (a := address_of(win, secret))],
        "erased_at": entry.erased_at.isoformat() if entry.erased_at else None,
    }


def _has_original(entry: Entry) -> bool:
    return not entry.original_key.startswith(ERASED_ORIGINAL)


def export(
    org: Organisation,
    email: str,
    *,
    actor: Actor,
    secret: str,
    storage: Storage,
    now: datetime,
    progress: Callable[[], None] = lambda: None,
) -> bytes:
    """The zip an owner hands to the requester (an empty list when nothing is held); audited. `progress()`
    after each photo added."""
    entries = entries_of(org, email)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        described = [_describe(entry, secret) for entry in entries]
        document = {
            "organisation": org.name,
            "email": email.strip(),
            "exported_at": now.isoformat(),
            "entries": described,
        }
        archive.writestr("entries.json", json.dumps(document, ensure_ascii=False, indent=2))
        for entry, item in zip(entries, described, strict=True):
            if item["photo"]:
                archive.writestr(item["photo"], storage.get(entry.original_key))
                progress()
    _audit(org, "privacy.export", email, actor=actor, secret=secret, now=now, entries=len(entries))
    return buffer.getvalue()


def erase(org: Organisation, email: str, *, actor: Actor, secret: str, now: datetime) -> int:
    """Erases every entry of the mailbox in the organisation (each audited too); returns how many."""
    entries = entries_of(org, email)
    erased = sum(erase_entry(entry, actor=actor, now=now) for entry in entries)
    _audit(
        org, "privacy.erase", email, actor=actor, secret=secret, now=now, entries=len(entries), erased=erased
    )
    return erased
