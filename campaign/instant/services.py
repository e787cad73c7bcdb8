"""Instant win in the database: the release schedule made at launch, one play per accepted entry (in the
entry's transaction), voiding a win whose entry is rejected or withdrawn, and the public certificate.

Arrival order: every play (and every void) first bumps `draw_plans.instant_plays` with one UPDATE. That row
lock serialises a campaign's plays until commit, so `seq` is the true order in which slots were claimed
and a verifier can replay it exactly (algorithm.py). The claim itself is a conditional UPDATE
(`claimed_by_entry_id IS NULL`) and `claimed_by_entry_id` is unique, so even without the lock one slot
could never go to two entries: the inventory is never exceeded. The caller commits.
"""

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select, update
from sqlalchemy.orm import aliased

from campaign.audit.services import Actor, record, record_for_entry
from campaign.campaigns import services as campaigns
from campaign.campaigns.models import Campaign
from campaign.draws import sealing
from campaign.draws.models import DrawPlan
from campaign.draws.services import SEED_PURPOSE, DrawRefused, plan_of
from campaign.draws.winners import ADDRESS_FIELDS, ADDRESS_PURPOSE
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from campaign.instant import algorithm
from campaign.instant.models import InstantWinPlay, InstantWinSlot
from campaign.locks import lock_row


def build_schedule(campaign: Campaign, *, now: datetime) -> list[InstantWinSlot]:
    """One slot per prize unit, released evenly over the campaign window (idempotent)."""
    existing = list(
        db.session.scalars(select(InstantWinSlot).where(InstantWinSlot.campaign_id == campaign.id))
    )
    if existing or not campaign.instant_win:
        return existing
    plan = plan_of(campaign)
    if plan is None:
        return []
    plan.instant_opens_at, plan.instant_closes_at = campaign.opens_at, campaign.closes_at
    plan.instant_odds = campaign.instant_win_odds  # later edits of the campaign do not change the game
    prizes = list(campaign.prizes)
    units = algorithm.schedule(plan.instant_opens_at, plan.instant_closes_at, [p.quantity for p in prizes])
    slots = [
        InstantWinSlot(
            org_id=campaign.org_id,
            campaign_id=campaign.id,
            prize_id=prizes[u.prize_index].id,
            prize_index=u.prize_index,
            prize_name=prizes[u.prize_index].name,
            unit=u.unit,
            position=u.position,
            release_at=u.release_at,
        )
        for u in units
    ]
    db.session.add_all(slots)
    db.session.flush()
    campaigns.audit(
        campaign,
        Actor.system(),
        "instant_win.schedule",
        now,
        after={"slots": len(slots), "odds": campaign.instant_win_odds},
    )
    return slots


def _next_seq(campaign: Campaign, step: int) -> int:
    """Locks the campaign's plan row until commit and returns the (bumped) arrival counter."""
    return db.session.execute(
        update(DrawPlan)
        .where(DrawPlan.campaign_id == campaign.id)
        .values(instant_plays=DrawPlan.instant_plays + step)
        .returning(DrawPlan.instant_plays)
        .execution_options(synchronize_session=False)
    ).scalar_one()


def _holds_win(entry: Entry) -> bool:
    other = aliased(Entry)
    return (
        db.session.scalar(
            select(InstantWinPlay.id)
            .join(other, other.id == InstantWinPlay.entry_id)
            .where(
                InstantWinPlay.campaign_id == entry.campaign_id,
                InstantWinPlay.slot_id.is_not(None),
                InstantWinPlay.voided_after_seq.is_(None),
                other.email_normalised == entry.email_normalised,
            )
            .limit(1)
        )
        is not None
    )


def _claim(campaign: Campaign, entry: Entry, now: datetime) -> InstantWinSlot | None:
    """The earliest released, unclaimed slot, taken with one conditional UPDATE."""
    first_free = (
        select(InstantWinSlot.id)
        .where(
            InstantWinSlot.campaign_id == campaign.id,
            InstantWinSlot.claimed_by_entry_id.is_(None),
            InstantWinSlot.release_at <= now,
        )
        .order_by(InstantWinSlot.position)
        .limit(1)
        .scalar_subquery()
    )
    slot_id = db.session.execute(
        update(InstantWinSlot)
        .where(and_(InstantWinSlot.id == first_free, InstantWinSlot.claimed_by_entry_id.is_(None)))
        .values(claimed_by_entry_id=entry.id, claimed_at=now)
        .returning(InstantWinSlot.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return db.session.get(InstantWinSlot, slot_id, populate_existing=True) if slot_id else None


def play(entry: Entry, *, secret: str, now: datetime) -> InstantWinPlay | None:
    """The entry's instant-win play (None when the campaign is not instant-win or has no seed)."""
    campaign = entry.campaign
    if not campaign.instant_win:
        return None
    plan = plan_of(campaign)
    if plan is None or plan.instant_opens_at is None:  # made instant-win after launch: no schedule
        return None
    seq = _next_seq(campaign, 1)
    seed = sealing.unseal(secret, SEED_PURPOSE, plan.seed_sealed)
    score = algorithm.score(seed, entry.public_id)
    already_won = _holds_win(entry)
    lucky = algorithm.lucky(score, plan.instant_odds)
    slot = _claim(campaign, entry, now) if lucky and not already_won else None
    result = InstantWinPlay(
        org_id=campaign.org_id,
        campaign_id=campaign.id,
        entry_id=entry.id,
        seq=seq,
        score=score.hex(),
        lucky=lucky,
        already_won=already_won,
        slot_id=slot.id if slot else None,
        played_at=now,
    )
    db.session.add(result)
    db.session.flush()
    if slot is not None:
        record(
            Actor.system(),
            "instant_win.win",
            org_id=campaign.org_id,
            campaign_id=campaign.id,
            object_type="entry",
            object_id=entry.public_id,
            after={"seq": seq, "slot": slot.position, "prize": slot.prize_name, "score": score.hex()},
            now=now,
        )
    return result


def play_of(entry: Entry) -> InstantWinPlay | None:
    return db.session.scalar(select(InstantWinPlay).where(InstantWinPlay.entry_id == entry.id))


def void(entry: Entry, *, reason: str, now: datetime) -> bool:
    """A winning entry rejected or withdrawn by its customer loses its win; the slot is free again for the
    next lucky play, and the postal address is deleted. The brand's takedown does not void: the win, its
    unit, its notice code and the address are kept until a final decision (approve again: the win stands;
    the claim deadline passing while taken down: forfeited, the unit not released).

    A forfeited or shipped win is spent: its unit is never released again, whatever happens to the entry."""
    result = play_of(entry)
    if result is None or result.slot_id is None or result.voided_after_seq is not None:
        return False
    if result.forfeited_at is not None or result.shipped_at is not None:
        return False
    after = _next_seq(entry.campaign, 0)
    slot = result.slot
    db.session.execute(
        update(InstantWinSlot)
        .where(InstantWinSlot.id == slot.id, InstantWinSlot.claimed_by_entry_id == entry.id)
        .values(claimed_by_entry_id=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(slot)
    result.voided_after_seq = after
    result.voided_at = now
    result.address_sealed = ""  # a cancelled win keeps no postal address
    db.session.flush()
    record_for_entry(
        Actor.system(),
        "instant_win.void",
        entry,
        before={"slot": slot.position, "prize": slot.prize_name},
        after={"voided_after_seq": after},
        reason=reason,
        now=now,
    )
    return True


def claim_closed(result: InstantWinPlay, now: datetime) -> bool:
    """Forfeited, or past the claim deadline (`flask draws expire-claims` then records the forfeit)."""
    return result.forfeited_at is not None or (
        result.claim_deadline is not None and now >= result.claim_deadline and result.address_given_at is None
    )


def can_give_address(result: InstantWinPlay | None, now: datetime) -> bool:
    """A held win whose entry moderation approved, no address yet, before the deadline: the claim form."""
    return (
        result is not None
        and result.slot_id is not None
        and result.voided_after_seq is None
        and result.entry.status is EntryStatus.APPROVED
        and result.address_given_at is None  # not address_sealed: the purge empties that after shipping
        and not claim_closed(result, now)
    )


def give_address(
    result: InstantWinPlay, address: dict[str, str], *, secret: str, ip_address: str, now: datetime
) -> None:
    """The winner's postal address, sealed at rest as for drawn winners (draws/winners.py)."""
    if result is not None:
        lock_row(result)  # a forfeit or a second submit at the same moment waits, then sees this one
    if result is not None and result.slot_id is not None and claim_closed(result, now):
        raise DrawRefused(_l("The claim period for this prize has ended."))
    if not can_give_address(result, now):
        raise DrawRefused(_l("This prize can no longer be claimed."))
    payload = json.dumps({k: address.get(k, "") for k in ADDRESS_FIELDS}).encode()
    result.address_sealed = sealing.seal(secret, ADDRESS_PURPOSE, payload)
    result.address_given_at = now
    db.session.flush()
    record(
        Actor.customer(ip_address),
        "instant_win.claim",
        org_id=result.org_id,
        campaign_id=result.campaign_id,
        object_type="entry",
        object_id=result.entry.public_id,
        now=now,
    )


def certificate(campaign: Campaign, *, secret: str, now: datetime) -> dict | None:
    """The public record with the revealed seed; None until the campaign has closed. No personal data."""
    if not campaign.instant_win or campaign.closes_at is None or now < campaign.closes_at:
        return None  # still open (or never launched): the seed stays secret; closed or archived: revealed
    plan = plan_of(campaign)
    if plan is None or plan.instant_opens_at is None:
        return None
    seed = sealing.unseal(secret, SEED_PURPOSE, plan.seed_sealed)
    slots = list(
        db.session.scalars(
            select(InstantWinSlot)
            .where(InstantWinSlot.campaign_id == campaign.id)
            .order_by(InstantWinSlot.position)
        )
    )
    rows = db.session.execute(
        select(InstantWinPlay, Entry.public_id)
        .join(Entry, Entry.id == InstantWinPlay.entry_id)
        .where(InstantWinPlay.campaign_id == campaign.id)
        .order_by(InstantWinPlay.seq)
    ).all()
    entry_ids = {p.entry_id: public_id for p, public_id in rows}
    positions = {s.id: s.position for s in slots}
    prizes = sorted({(s.prize_index, s.prize_name) for s in slots})
    quantities = {k: sum(1 for s in slots if s.prize_index == k) for k, _ in prizes}
    return {
        "algorithm": algorithm.ALGORITHM,
        "campaign": {"slug": campaign.slug, "title": campaign.title},
        "opens_at": plan.instant_opens_at.isoformat(),  # the window the schedule was spread over
        "closes_at": plan.instant_closes_at.isoformat(),
        "commitment": plan.commitment,
        "seed": seed.hex(),
        "odds": plan.instant_odds,
        "rule": "lucky when int(HMAC-SHA256(seed, 'instant:' + entry)) * odds < 2**256",
        "prizes": [{"index": k, "name": name, "quantity": quantities[k]} for k, name in prizes],
        "slots": [
            {
                "position": s.position,
                "prize": s.prize_index,
                "unit": s.unit,
                "release_at": s.release_at.isoformat(),
                "claimed_by": entry_ids.get(s.claimed_by_entry_id),
            }
            for s in slots
        ],
        "plays": [
            {
                "seq": p.seq,
                "entry": public_id,
                "played_at": p.played_at.isoformat(),
                "score": p.score,
                "lucky": p.lucky,
                "already_won": p.already_won,
                "slot": positions.get(p.slot_id),
                "voided_after_seq": p.voided_after_seq,
                "forfeited": p.forfeited_at is not None,  # the unit stays spent: not part of the replay
            }
            for p, public_id in rows
        ],
    }


def _on_launch(campaign: Campaign, *, now: datetime, **_) -> None:
    build_schedule(campaign, now=now)


def _on_entry_received(entry: Entry, **_) -> None:
    from flask import current_app

    play(entry, secret=current_app.secret_key, now=entry.created_at)


def _on_entry_lost(reason: str):
    def listener(entry: Entry, **_) -> None:
        from campaign.clock import utcnow

        if entry.withdrawn_by == "brand":
            return  # a takedown is not a final decision: "approve again" may follow (see `void`)
        void(entry, reason=reason, now=utcnow())

    return listener


# Made once: `install` runs for every app a process builds, and blinker keeps one connection per receiver.
_on_entry_rejected = _on_entry_lost("entry rejected")
_on_entry_withdrawn = _on_entry_lost("entry withdrawn")


def install() -> None:
    """Schedule at launch (after the seed is committed), play on every accepted entry, void on rejection."""
    from campaign import events

    events.campaign_launched.connect(_on_launch, weak=False)
    events.entry_received.connect(_on_entry_received, weak=False)
    events.entry_rejected.connect(_on_entry_rejected, weak=False)
    events.entry_withdrawn.connect(_on_entry_withdrawn, weak=False)
