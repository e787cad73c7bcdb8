"""After an instant win: the notice when moderation approves it, the claim deadline and forfeit, shipping
and the address purge. The rules of drawn winners (winners.py), applied to `InstantWinPlay`.

The claim period starts when moderation approves the winning entry, not when the entry played: the address
form opens only then, and the winner is told by email then (with the status link, the deadline and a notice
code for the "check your win" page). A win not claimed in time is forfeited and its unit is *not* released
again: the slot keeps its holder, so the inventory is never exceeded and the certificate still replays
exactly (a forfeit changes no outcome). Every change is audited; the caller commits.
"""

import enum
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign import mail
from campaign.audit.services import Actor, record
from campaign.campaigns.models import Campaign
from campaign.draws import labels, winners
from campaign.draws.services import DrawRefused
from campaign.entries import labels as entry_labels
from campaign.entries import status_links
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from campaign.instant.models import InstantWinPlay
from campaign.instant.services import claim_closed, play_of
from campaign.locks import lock_row


class WinState(enum.StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"  # won at once; moderation has not approved the entry yet
    AWAITING_ADDRESS = "awaiting_address"  # told; may give the address until the deadline
    CLAIM_CLOSED = "claim_closed"  # past the deadline, the periodic forfeit has not run yet
    FORFEITED = "forfeited"
    ADDRESS_GIVEN = "address_given"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"  # voided: the entry was rejected or withdrawn, the unit went back


def state(result: InstantWinPlay, now: datetime) -> WinState:
    if result.voided_after_seq is not None:
        return WinState.CANCELLED
    if result.shipped_at is not None:
        return WinState.SHIPPED
    if result.address_given_at is not None:
        return WinState.ADDRESS_GIVEN
    if result.forfeited_at is not None:
        return WinState.FORFEITED
    if claim_closed(result, now):
        return WinState.CLAIM_CLOSED
    if result.notified_at is not None or result.entry.status is EntryStatus.APPROVED:
        return WinState.AWAITING_ADDRESS
    return WinState.AWAITING_APPROVAL


def _audit(actor: Actor, action: str, result: InstantWinPlay, now: datetime, **kwargs) -> None:
    record(
        actor,
        action,
        org_id=result.org_id,
        campaign_id=result.campaign_id,
        object_type="entry",
        object_id=result.entry.public_id,
        now=now,
        **kwargs,
    )


def _held(result: InstantWinPlay | None) -> bool:
    return result is not None and result.slot_id is not None and result.voided_after_seq is None


def notify(result: InstantWinPlay, *, secret: str, base_url: str, now: datetime) -> bool:
    """Starts the claim period of an approved win and mails the winner (once; False when nothing to do)."""
    if not _held(result) or result.forfeited_at is not None or result.notice_code is not None:
        return False
    if result.entry.status is not EntryStatus.APPROVED or result.address_given_at is not None:
        return False
    result.notice_code = winners.new_notice_code()
    result.notified_at = now
    result.claim_deadline = winners.claim_deadline(result.entry.campaign, now)
    db.session.flush()
    deadline = result.claim_deadline.isoformat()
    _audit(Actor.system(), "instant_win.notify", result, now, after={"deadline": deadline})
    token = status_links.status_token(secret, result.entry.public_id)
    winners.send_notice(
        result.entry,
        prize=result.slot.prize_name,
        notice_code=result.notice_code,
        deadline=result.claim_deadline,
        claim_url=f"{base_url.rstrip('/')}/s/{token}",
        base_url=base_url,
    )
    return True


def expire_claims(*, now: datetime) -> list[InstantWinPlay]:
    """Forfeits every approved win without an address past its deadline (with `flask draws expire-claims`)."""
    overdue = list(
        db.session.scalars(
            select(InstantWinPlay)
            .where(
                InstantWinPlay.slot_id.is_not(None),
                InstantWinPlay.voided_after_seq.is_(None),
                InstantWinPlay.forfeited_at.is_(None),
                InstantWinPlay.address_given_at.is_(None),
                InstantWinPlay.claim_deadline <= now,
            )
            .order_by(InstantWinPlay.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    for result in overdue:
        result.forfeited_at = now
        db.session.flush()
        _audit(
            Actor.system(),
            "instant_win.forfeit",
            result,
            now,
            before={"slot": result.slot.position, "prize": result.slot.prize_name},
            reason="claim deadline passed; the prize unit is not released again",
        )
    return overdue


def mark_shipped(result: InstantWinPlay, *, actor: Actor, now: datetime) -> None:
    if lock_row(result).shipped_at is not None:
        raise DrawRefused(winners.ALREADY_SHIPPED)
    if not _held(result) or result.address_given_at is None:
        raise DrawRefused(_l("Only a claimed prize can be marked as shipped."))
    result.shipped_at = now
    db.session.flush()
    _audit(actor, "instant_win.ship", result, now)


def purge_addresses(*, days: int, now: datetime) -> int:
    """Instant winners' addresses are deleted `days` after shipping (with `flask draws purge-addresses`)."""
    return winners.purge_shipped_addresses(
        InstantWinPlay, "instant_win.purge_address", _audit, days=days, now=now
    )


def wins(campaign: Campaign) -> list[InstantWinPlay]:
    """Every win of the campaign in order of arrival, cancelled ones included (the studio list)."""
    return list(
        db.session.scalars(
            select(InstantWinPlay)
            .where(InstantWinPlay.campaign_id == campaign.id, InstantWinPlay.slot_id.is_not(None))
            .options(selectinload(InstantWinPlay.entry), selectinload(InstantWinPlay.slot))
            .order_by(InstantWinPlay.seq)
        )
    )


def winners_rows(campaign: Campaign, secret: str, *, now: datetime) -> list[list[str]]:
    """For shipping: every held win (forfeited ones say so), with its address once given."""
    rows = []
    for result in wins(campaign):
        if result.voided_after_seq is not None:
            continue
        address = winners.address_of(result, secret) or {}
        entry = result.entry
        rows.append(
            [
                result.slot.prize_name,
                entry.public_id,
                entry.nickname or "",
                entry_labels.entry_state_label(entry),
            ]
            + [labels.label(labels.WIN_STATES, state(result, now))]
            + [_local_minute(result.shipped_at, campaign) if result.shipped_at else ""]
            + [address.get(k, "") for k in winners.ADDRESS_FIELDS]
        )
    return rows


def _local_minute(moment: datetime, campaign: Campaign) -> str:
    """「2026-12-05 14:42」 in the organisation's zone, as the winners page shows it and a spreadsheet reads
    it (the list gave the UTC instant to the microsecond)."""
    return moment.astimezone(ZoneInfo(campaign.organisation.timezone)).strftime("%Y-%m-%d %H:%M")


def held_wins(entry_ids: list[int]) -> set[int]:
    """Those of `entry_ids` that hold an instant win now (won, not voided: `_held`, as one query)."""
    if not entry_ids:
        return set()
    return set(
        db.session.scalars(
            select(InstantWinPlay.entry_id).where(
                InstantWinPlay.entry_id.in_(entry_ids),
                InstantWinPlay.slot_id.is_not(None),
                InstantWinPlay.voided_after_seq.is_(None),
            )
        )
    )


def win_of(campaign: Campaign, entry_public_id: str) -> InstantWinPlay | None:
    """A win of this campaign by its entry's public id (None: no such entry here, or it did not win)."""
    result = db.session.scalar(
        select(InstantWinPlay)
        .join(Entry, Entry.id == InstantWinPlay.entry_id)
        .where(InstantWinPlay.campaign_id == campaign.id, Entry.public_id == entry_public_id)
    )
    return result if result is not None and result.slot_id is not None else None


def notice_of(campaign_id: int, code: str) -> tuple[str, datetime] | None:
    """The "check your win" page: the prize and time of an instant winner's notice with this code (the
    drawn winners' scheme)."""
    win = db.session.scalar(
        select(InstantWinPlay).where(
            InstantWinPlay.campaign_id == campaign_id,
            InstantWinPlay.notice_code == winners.normalise_notice_code(code),
        )
    )
    return (win.slot.prize_name, win.notified_at) if win is not None else None


def _on_entry_approved(entry: Entry, **_) -> None:
    from flask import current_app

    from campaign.clock import utcnow

    if not entry.campaign.instant_win:
        return
    result = play_of(entry)
    if result is not None:
        now = entry.moderated_at or utcnow()  # the moderation service's clock
        notify(result, secret=current_app.secret_key, base_url=mail.base_url(), now=now)


def install() -> None:
    """Moderation's approval of a winning entry starts its claim period and tells the winner."""
    from campaign import events

    events.entry_approved.connect(_on_entry_approved, weak=False)
