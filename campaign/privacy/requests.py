"""Requests under 個人情報保護法 (disclosure and deletion), for all of an organisation's campaigns.

An owner types who asks: an email address (entries sent from the campaign page), or an Instagram or X
account (posts collected from the network, and entries that named the account). The export is a zip of
`entries.json` (everything we hold about each entry: postal addresses, rights requests and their answers)
and the original photos; the erasure is the customer's own erasure (privacy.erasure) for each entry. Both
are audited under a keyed hash of the address or account, never the thing itself, so the trail can answer
"did we act on this person?" without holding it.
"""

import hashlib
import hmac
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from campaign.audit import queries
from campaign.audit.models import AuditEvent
from campaign.audit.services import Actor, record
from campaign.draws import sealing
from campaign.draws.models import DrawPick
from campaign.draws.winners import address_of
from campaign.entries.models import Entry
from campaign.entries.rules import normalise_email, social_network, valid_email
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.instant.models import InstantWinPlay
from campaign.orgs.models import Organisation
from campaign.orgs.services import scoped
from campaign.privacy.erasure import erase_entry
from campaign.storage.base import Storage

NETWORKS = ("instagram", "x")
HANDLE = re.compile(r"^[A-Za-z0-9._]{1,30}$")  # Instagram: letters, digits, . and _; X: letters, digits, _


class InvalidRequest(DomainError):
    code = "invalid_privacy_request"
    field = "email"
    message = _l("Enter the requester's email address, like name@example.com.")


class InvalidAccount(InvalidRequest):
    message = _l("Enter the requester's account as it appears on the network, like @hanako_tea.")


@dataclass(frozen=True)
class Requester:
    """Who asks: `kind` "email" with a normalised address, or a network with the account (no @, lowercase)."""

    kind: str
    value: str


def requester(text: str, network: str = "") -> Requester:
    """The person a request is about, from what the owner typed; InvalidRequest says what is wrong."""
    text = (text or "").strip()
    if network in NETWORKS:
        handle = text.lstrip("@＠").lower()
        if not HANDLE.match(handle):
            raise InvalidAccount()
        return Requester(network, handle)
    if valid_email(text) is None:
        raise InvalidRequest()
    return Requester("email", normalise_email(text))


def person_hash(secret: str, who: Requester, org: Organisation) -> str:
    """A keyed hash of who asks (32 hex digits, the audit's object id), keyed per organisation: on an install
    that serves several brands, one person's requests to two of them leave codes that cannot be matched."""
    return _keyed(sealing.derived_key(secret, f"privacy-request:{org.public_id}"), who)


def _install_wide_hash(secret: str, who: Requester) -> str:
    """The code requests were recorded under before it was keyed per organisation (it is only looked up)."""
    return _keyed(sealing.derived_key(secret, "privacy-request"), who)


def _keyed(key: bytes, who: Requester) -> str:
    subject = who.value if who.kind == "email" else f"{who.kind}:@{who.value}"
    return hmac.new(key, subject.encode(), hashlib.sha256).hexdigest()[:32]


REQUEST_ACTIONS = ("privacy.export", "privacy.erase")
HISTORY_LIMIT = 100


def history(org: Organisation, *, secret: str, who: Requester | None = None) -> list[AuditEvent]:
    """The requests the organisation answered, newest first (at most HISTORY_LIMIT), with the retention
    changes beside them; or, for `who`, every request about that person, found by its keyed hash: the trail
    answers "did we act on this person before?" without holding the address or account."""
    if who is None:
        actions = (*REQUEST_ACTIONS, "organisation.retention")
        return queries.events_with_actions(org, actions, limit=HISTORY_LIMIT)
    codes = (person_hash(secret, who, org), _install_wide_hash(secret, who))
    return queries.events_with_actions(org, REQUEST_ACTIONS, object_ids=codes)


def entries_of(org: Organisation, who: Requester, *, secret: str) -> list[Entry]:
    """Every entry of the organisation's campaigns from this person: sent from the mailbox (as entries count
    a person), or posted from the account (collected from that network, or naming it on the form); and the
    published photos retention kept after erasing their address and account, by their keyed hashes."""
    code = person_hash(secret, who, org)
    if who.kind == "email":
        match = Entry.email_normalised == who.value
    else:
        handle = func.lower(func.ltrim(Entry.social_handle, "@"))
        match = (handle == who.value) & Entry.network.in_((who.kind, ""))
    kept = Entry.person_digest == code if who.kind == "email" else Entry.account_digest == code
    query = scoped(Entry, org).where(match | kept).order_by(Entry.id)
    return [
        entry
        for entry in db.session.scalars(query)
        if who.kind == "email" or entry.account_digest == code or on_network(entry) == who.kind
    ]


def persons_of(entry: Entry) -> tuple[Requester | None, Requester | None]:
    """Who an entry is from, as a request would name them: (its address, its account on a network), each
    None when it holds none."""
    address = Requester("email", entry.email_normalised) if entry.email_normalised else None
    network, handle = on_network(entry), entry.social_handle.lstrip("@").lower()
    account = Requester(network, handle) if network in NETWORKS and HANDLE.match(handle) else None
    return address, account


def on_network(entry: Entry) -> str | None:
    """The network of the account an entry names: the one it was collected from, or for a form entry the
    one its post's link is on. None when a form entry named a handle with no link: the same name on the
    other network is another person, so such an entry is found by its email address only."""
    return entry.network or social_network(entry.post_url or "")


def _audit(
    org: Organisation, action: str, who: Requester, *, actor: Actor, secret: str, now: datetime, **after
):
    record(
        actor,
        action,
        org_id=org.id,
        object_type="person",
        object_id=person_hash(secret, who, org),
        now=now,
        after=after,
    )


def _rights_requests(entries: list[Entry]) -> dict[int, list[dict]]:
    """The rights requests made to these entries' posts (one query), by entry id."""
    from campaign.rights.models import RightsRequest

    found: dict[int, list[dict]] = {entry.id: [] for entry in entries}
    asked = db.session.scalars(select(RightsRequest).where(RightsRequest.entry_id.in_(list(found))))
    for r in asked:
        found[r.entry_id].append(
            {
                "network": r.network,
                "state": str(r.state),
                "text": r.text,
                "scopes": r.scopes,
                "terms_version": r.terms_version,
                "proof": str(r.proof),
                "sent_at": r.sent_at.isoformat() if r.sent_at else None,
                "answered_at": r.answered_at.isoformat() if r.answered_at else None,
                "grant_until": r.grant_until.isoformat() if r.grant_until else None,
            }
        )
    return found


def _describe(entry: Entry, secret: str, rights_requests: list[dict]) -> dict:
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
        "network": entry.network or None,
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
        "photo": f"photos/{entry.public_id}.{entry.original_format}" if entry.has_original else None,
        "postal_addresses": [a for win in wins if (a := address_of(win, secret))],
        "rights_requests": rights_requests,
        "erased_at": entry.erased_at.isoformat() if entry.erased_at else None,
    }


def export(
    org: Organisation,
    who: Requester,
    *,
    actor: Actor,
    secret: str,
    storage: Storage,
    now: datetime,
    progress: Callable[[], None] = lambda: None,
) -> bytes | None:
    """The zip an owner hands to the requester; audited. None when nothing is held about the person (the
    request is audited all the same, with no entries): an empty zip read as an answer, or a typo in the
    address went unseen. `progress()` after each photo added."""
    entries = entries_of(org, who, secret=secret)
    if not entries:
        _audit(org, "privacy.export", who, actor=actor, secret=secret, now=now, entries=0)
        return None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        asked = _rights_requests(entries)
        described = [_describe(entry, secret, asked[entry.id]) for entry in entries]
        document = {
            "organisation": org.name,
            "requester": {"kind": who.kind, "value": who.value},
            "exported_at": now.isoformat(),
            "entries": described,
        }
        archive.writestr("entries.json", json.dumps(document, ensure_ascii=False, indent=2))
        for entry, item in zip(entries, described, strict=True):
            if item["photo"]:
                archive.writestr(item["photo"], storage.get(entry.original_key))
                progress()
    _audit(org, "privacy.export", who, actor=actor, secret=secret, now=now, entries=len(entries))
    return buffer.getvalue()


def erase(org: Organisation, who: Requester, *, actor: Actor, secret: str, now: datetime) -> int:
    """Erases every entry of the person in the organisation (each audited too); returns how many."""
    entries = entries_of(org, who, secret=secret)
    erased = sum(erase_entry(entry, actor=actor, now=now) for entry in entries)
    _audit(
        org, "privacy.erase", who, actor=actor, secret=secret, now=now, entries=len(entries), erased=erased
    )
    return erased
