"""Submission rules: who may enter, what a valid entry is, storing it so nothing is half-written.

The caller commits once. The original is stored before the row is flushed and tracked by
`pending_objects`, so a transaction that does not commit deletes it again.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from campaign import events, media, pending_objects
from campaign.campaigns.models import Campaign, CampaignStatus, Product
from campaign.draws import participants
from campaign.entries import photos, rules
from campaign.entries.models import PUBLIC_DERIVATIVES, Consent, Derivative, Entry, EntryStatus
from campaign.entries.repeats import (
    earlier_entries,
    find_by_idempotency_key,
    person_of,
    photo_digest,
    release_key,
    submission_key,
)
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.i18n import public_time
from campaign.ids import new_public_id
from campaign.instant import plays
from campaign.storage.base import Storage, StorageError

log = logging.getLogger(__name__)


class InvalidSubmission(DomainError):
    """Every field that is wrong, each with its own message, so the customer fixes all at once."""

    status = 422
    code = "invalid_submission"
    message = _l("Please correct the highlighted fields.")

    def __init__(self, errors: dict[str, list[str]], *, reason: str | None = None):
        super().__init__()
        self.errors = errors
        self.reason = reason or self.code  # for /metrics: which photo rule refused it (photo_too_small, ...)


class CampaignNotOpen(DomainError):
    status = 409
    code = "campaign_not_open"


class EntryLimitReached(DomainError):
    status = 409
    code = "entry_limit"
    field = "email"
    message = _l(
        "You have already sent the most entries allowed for this campaign (%(limit)s). You can check your "
        "entries through the links we emailed you."
    )


class StorageUnavailable(DomainError):
    status = 503
    code = "storage_unavailable"
    message = _l(
        "We could not save your photo just now, so your entry was not completed. Please try again in a "
        "moment."
    )


@dataclass
class Submission:
    """What the customer sent, as plain values (the form's other fields are never read)."""

    email: str
    rating: int | None
    caption: str = ""
    nickname: str = ""
    social_handle: str = ""
    post_url: str = ""
    accepts_terms: bool = False
    consent_scopes: list[str] = field(default_factory=list)
    idempotency_key: str = ""
    locale: str = "ja"
    product_id: str = ""  # a product's public id; needed when the campaign has more than one


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int
    min_side: int = 1
    max_aspect: int = 0

    @classmethod
    def from_config(cls, config) -> "Limits":
        return cls(
            max_bytes=config["MAX_UPLOAD_BYTES"],
            max_pixels=config["MAX_PIXELS"],
            min_side=config["MIN_PHOTO_SIDE"],
            max_aspect=config["MAX_PHOTO_ASPECT"],
        )


# The entry columns a customer types into, with the message shown when the text does not fit the column.
LENGTH_MESSAGES = {
    "email": _l("The email address can be at most %(max)s characters."),
    "social_handle": _l("The account name can be at most %(max)s characters."),
    "post_url": _l("The link to your post can be at most %(max)s characters."),
}


def ensure_open(campaign: Campaign, now: datetime) -> None:
    status = campaign.status(now)
    if status is CampaignStatus.SCHEDULED:
        # in the organisation's zone, whatever the request's: the customer reads the campaign's own time
        when = public_time(campaign.opens_at, campaign.organisation.timezone)
        raise CampaignNotOpen(_l("This campaign opens on %(when)s.", when=when))
    if status is not CampaignStatus.LIVE:
        raise CampaignNotOpen(_l("This campaign has closed. Thank you for your interest."))


def check_fields(campaign: Campaign, sub: Submission, email: str | None) -> dict[str, list[str]]:
    """Every field's errors; `email` is `rules.valid_email(sub.email)`, read once per submission."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message) -> None:
        errors.setdefault(name, []).append(str(message))

    if len(sub.caption) > rules.CAPTION_MAX:
        add("caption", _l("The caption can be at most %(max)s characters.", max=rules.CAPTION_MAX))
    if sub.rating not in (1, 2, 3, 4, 5):
        add("rating", _l("Choose a rating from 1 to 5 stars."))
    if len(sub.nickname) > rules.NICKNAME_MAX:
        add("nickname", _l("The nickname can be at most %(max)s characters.", max=rules.NICKNAME_MAX))
    stored = LENGTH_MESSAGES if campaign.allows_follow_and_post else {"email": LENGTH_MESSAGES["email"]}
    for name, message in stored.items():
        limit = column_length(name)
        if len(getattr(sub, name)) > limit:  # a message for the customer, never a database error
            add(name, str(message) % {"max": limit})
    if not sub.email:
        add("email", _l("Enter your email address."))
    elif "email" not in errors and email is None:
        add("email", _l("This email address is not valid."))
    if campaign.allows_follow_and_post and (sub.post_url or campaign.requires_social_post):
        if not sub.social_handle:
            add("social_handle", _l("Enter your account name on the social network."))
        if rules.social_network(sub.post_url) is None:
            add("post_url", _l("Enter the https:// link of your Instagram or X post."))
    if not sub.accepts_terms:
        add("accepts_terms", _l("Please read and accept the terms to enter."))
    if len(campaign.products) > 1 and chosen_product(campaign, sub) is None:
        add("product_id", _l("Choose the product in your photo."))
    if not set(sub.consent_scopes) <= set(campaign.consent_scopes):
        add("consent_scopes", _l("Unknown consent option."))
    return errors


def column_length(name: str) -> int:
    """The length of the entries column `name`: the schema is the one source of these limits."""
    return Entry.__table__.c[name].type.length


def chosen_product(campaign: Campaign, sub: Submission) -> Product | None:
    """The product the photo shows: the customer's choice, or the campaign's only product."""
    if len(campaign.products) == 1:
        return campaign.products[0]
    return next((p for p in campaign.products if p.public_id == sub.product_id), None)


def free_slot(campaign: Campaign, used: set[int]) -> int:
    """The person's lowest unused entry slot; the unique constraint keeps concurrent posts honest (and
    `record` sends a post that lost its slot again, to the next)."""
    for slot in range(1, campaign.entries_per_person + 1):
        if slot not in used:
            return slot
    raise EntryLimitReached(limit=campaign.entries_per_person)


def inspect_photo(photo: bytes, limits: Limits) -> media.Inspection:
    try:
        return media.inspect(
            photo,
            max_pixels=limits.max_pixels,
            max_bytes=limits.max_bytes,
            min_side=limits.min_side,
            max_aspect=limits.max_aspect,
        )
    except media.MediaError as exc:
        message = photos.refusal(exc, limits)
        raise InvalidSubmission({"photo": [message]}, reason=f"photo_{exc.code}") from exc


def submit(
    campaign: Campaign,
    sub: Submission,
    photo: bytes | None,
    *,
    storage: Storage,
    limits: Limits,
    now: datetime,
    secret: str | None = None,
) -> tuple[Entry, bool]:
    """Records one entry; returns (entry, created). The same form sent again with the same email and photo
    returns the first entry; with another email or photo it is a new entry. With `secret` (the app's) the
    entry's draw participant is stamped before its INSERT, so the row is written once; without it the draws'
    listener stamps it after the flush."""
    ensure_open(campaign, now)
    email = rules.valid_email(sub.email)
    email_normalised = person_of(sub.email, email)
    photo_sha256 = photo_digest(sub.idempotency_key, photo)
    idempotency_key = submission_key(sub.idempotency_key, email_normalised, photo_sha256)
    existing, used_slots = earlier_entries(campaign, idempotency_key, email_normalised)
    if existing is not None:
        earlier = db.session.get(Entry, existing)
        if not earlier.taken_back:
            return earlier, False
        release_key(earlier)  # withdrawn or erased by its sender: the same form and photo may enter again
    errors, photo_refused = check_fields(campaign, sub, email), None
    if photo is None:  # no file chosen (the page's script says so before sending; without it, here)
        errors["photo"], photo_refused = [str(photos.PHOTO_MISSING)], "photo_missing"
    else:
        try:
            inspection = inspect_photo(photo, limits)
        except InvalidSubmission as exc:
            errors.update(exc.errors)
            photo_refused = exc.reason
    if errors:
        raise InvalidSubmission(errors, reason=photo_refused)
    slot = free_slot(campaign, used_slots)
    if campaign.instant_win:  # a withdrawn entry's slot comes back, its play does not
        plays.ensure_may_play(campaign, email_normalised, secret=secret or current_app.secret_key)

    public_id = new_public_id()
    key = f"private/originals/{campaign.public_id}/{public_id}.{inspection.extension}"
    try:
        storage.put(key, photo, content_type=inspection.mime, sha256=photo_sha256)
    except StorageError as exc:
        # the customer is asked to try again; the operator learns why (an outage said nothing in the log)
        log.warning("a customer's photo could not be stored (%s): %s", storage, exc)
        raise StorageUnavailable() from exc
    pending_objects.track(db.session, storage, key)

    entry = Entry(
        public_id=public_id,
        org_id=campaign.org_id,
        campaign=campaign,
        product=chosen_product(campaign, sub),
        idempotency_key=idempotency_key or new_public_id(),
        caption=sub.caption,
        rating=sub.rating,
        nickname=sub.nickname or None,
        email=email,
        email_normalised=email_normalised,
        person_slot=slot,
        social_handle=sub.social_handle if campaign.allows_follow_and_post else "",
        post_url=sub.post_url if campaign.allows_follow_and_post else "",
        locale=sub.locale,
        storage_backend=storage.name,
        original_key=key,
        original_format=inspection.extension,
        original_bytes=len(photo),
        width=inspection.width,
        height=inspection.height,
        created_at=now,
    )
    entry.consent = Consent(
        terms_version=campaign.terms_version, scopes=list(sub.consent_scopes), given_at=now
    )
    if secret is not None:  # the draws' listener then finds it stamped: no UPDATE after the INSERT
        participants.stamp(entry, secret)
    db.session.add(entry)
    db.session.flush()
    events.entry_received.send(entry, actor=None)
    return entry, True


def record(
    campaign: Campaign,
    sub: Submission,
    photo: bytes | None,
    *,
    on_created: Callable[[Entry], None] = lambda entry: None,
    **options,
) -> tuple[Entry, bool]:
    """`submit` (given `options`: storage, limits, now, secret), committed; `on_created(entry)` runs in the
    new entry's transaction, before its commit.

    Two posts of one person at the same moment (two photos) pick the same free slot, and the unique
    constraint refuses the second: it is rolled back (its stored photo deleted with it) and sent again, so
    it takes the next free slot, or meets the person's limit. The same form sent twice at once returns the
    twin that won. The retry is paid only after such a race: a submission's usual path is one INSERT, with
    no savepoint (a savepoint cost every submission about 0.5 ms of CPU on SQLite)."""
    for _attempt in range(campaign.entries_per_person + 1):  # each retry finds one more slot taken
        try:
            entry, created = submit(campaign, sub, photo, **options)
            if created:
                on_created(entry)
            db.session.commit()
            return entry, created
        except IntegrityError:
            db.session.rollback()
            twin = twin_of(campaign, sub, photo)
            if twin is not None:
                return twin, False
    raise EntryLimitReached(limit=campaign.entries_per_person)


def twin_of(campaign: Campaign, sub: Submission, photo: bytes | None) -> Entry | None:
    """After a unique-constraint race: the entry the same form, address and photo made meanwhile, if any."""
    person = person_of(sub.email, rules.valid_email(sub.email))
    return find_by_idempotency_key(
        campaign, submission_key(sub.idempotency_key, person, photo_digest(sub.idempotency_key, photo))
    )


def withdraw(entry: Entry, *, now: datetime, ip_address: str = "") -> None:
    """The customer takes the entry back: it leaves every public place and frees its slot (audited)."""
    from campaign.locks import lock_row

    if lock_row(entry).status is EntryStatus.WITHDRAWN and entry.withdrawn_by == "customer":
        return  # already done (a double click): nothing more to do
    from campaign.audit.services import Actor
    from campaign.moderation.services import transition  # issue 4: one state machine for every move

    transition(entry, "withdraw", actor=Actor.customer(ip_address), membership=None, now=now)


def entries_of(campaign: Campaign) -> list[Entry]:
    return list(
        db.session.scalars(
            select(Entry)
            .where(Entry.campaign_id == campaign.id, Entry.org_id == campaign.org_id)
            .options(selectinload(Entry.derivatives))
            .order_by(Entry.created_at.desc())
        )
    )


def referenced_keys(keys: list[str]) -> set[str]:
    """Which of these storage keys a row points at (for `flask storage gc`).

    A public rendition counts only while a public entry shows it: gc sweeps copies a crash left behind.
    """
    from campaign.entries.publication import still_shown

    originals = db.session.scalars(select(Entry.original_key).where(Entry.original_key.in_(keys)))
    derived = db.session.scalars(select(Derivative.key).where(Derivative.key.in_(keys)))
    public = still_shown([key for key in keys if key.startswith(PUBLIC_DERIVATIVES)])
    return set(originals) | set(derived) | public
