"""What the entrant's private status page says after the draw: about this entry only, never about others."""

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from campaign.draws.models import Draw, DrawPick, PickState
from campaign.draws.winners import claim_token
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db


class Outcome(enum.StrEnum):
    NOT_DRAWN = "not_drawn"  # the draw took place; this entry was neither a winner nor an alternate
    ALTERNATE = "alternate"  # waiting: may move up if a winner drops out
    CHECKING = "checking"  # drawn as a winner (or moved up); the entry conditions are being checked
    WON = "won"  # told to claim: the claim link is shown
    CLAIMED = "claimed"
    SHIPPED = "shipped"
    FORFEITED = "forfeited"
    EXCLUDED = "excluded"
    # approved (or taken down by the brand) but not in the draw's list: a duplicate photo, outside the
    # period, the person drawn already... Told in general words: the reason may concern another's entry
    LEFT_OUT = "left_out"


STATE_OUTCOME = {
    PickState.WAITING: Outcome.ALTERNATE,
    PickState.CHECKING: Outcome.CHECKING,
    PickState.NOTIFIED: Outcome.WON,
    PickState.CLAIMED: Outcome.CLAIMED,
    PickState.SHIPPED: Outcome.SHIPPED,
    PickState.FORFEITED: Outcome.FORFEITED,
    PickState.EXCLUDED: Outcome.EXCLUDED,
}


@dataclass(frozen=True)
class EntryOutcome:
    outcome: Outcome
    prize_name: str = ""
    claim_token: str = ""  # only while the winner may still give an address
    claim_deadline: datetime | None = None


def outcome_of(entry: Entry, *, secret: str, now: datetime) -> EntryOutcome | None:
    """None before the campaign's draw, or when the entry was not in it; else its place in it."""
    draw = db.session.scalar(select(Draw).where(Draw.campaign_id == entry.campaign_id))
    if draw is None:
        return None
    pick = db.session.scalar(
        select(DrawPick).where(DrawPick.draw_id == draw.id, DrawPick.entry_id == entry.id)
    )
    if pick is None:
        if not _left_out(draw, entry):
            return EntryOutcome(Outcome.NOT_DRAWN)
        return EntryOutcome(Outcome.LEFT_OUT) if _approved_before(draw, entry) else None
    outcome = STATE_OUTCOME[pick.state]
    open_claim = outcome is Outcome.WON and pick.claim_deadline is not None and now < pick.claim_deadline
    return EntryOutcome(
        outcome,
        prize_name=pick.prize.name if pick.prize is not None else "",
        claim_token=claim_token(secret, pick) if open_claim else "",
        claim_deadline=pick.claim_deadline if open_claim else None,
    )


def _left_out(draw: Draw, entry: Entry) -> bool:
    """Whether the entry was not in the draw's list: sent after it, or excluded (rejected, withdrawn, not
    approved, a duplicate, its person already drawn...). Its page then says nothing about the draw: "did not
    win" told a rejected entrant they had lost a draw they were never in (a walk-through's find)."""
    if entry.created_at >= draw.drawn_at:
        return True
    return any(excluded["entry"] == entry.public_id for excluded in draw.exclusions)


def _approved_before(draw: Draw, entry: Entry) -> bool:
    """Sent before the draw and approved, or taken down by the brand: its page said 承認済み, or 主催者により
    非公開, and never a word of the draw (a walk-through's find). A rejected or withdrawn entry's page says
    why already."""
    sent_before = entry.created_at < draw.drawn_at
    return sent_before and (entry.status is EntryStatus.APPROVED or entry.withdrawn_by == "brand")


def prize_shipped(entry: Entry) -> bool:
    """Whether the draw's prize for this entry has been sent: a withdrawal no longer gives it up
    (`winners.withdraw_picks` leaves a shipped pick as it is), and the withdrawal's dialog must not say so."""
    query = select(DrawPick.id).where(DrawPick.entry_id == entry.id, DrawPick.state == PickState.SHIPPED)
    return db.session.scalar(query.limit(1)) is not None
