"""Retention: once a campaign's draw and claims are over, its entrants' contact data lasts N more days.

N is the organisation's `retention_days` (default 90). Then every entry of the campaign loses its email and
social account (handle, post URL), and entries that are not public lose their original photo too. What a
published photo shows (caption, nickname, renditions) stays while it is published, under the customer's
consent; what a draw needs to verify stays too (entry public ids, participant tokens, the frozen list).

A plain function for the scheduler and for `flask privacy retention`; safe to run twice at once (the
campaign row is locked and re-checked), and it commits one campaign at a time, so a long run keeps what it
has done.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from campaign import jobs
from campaign.audit.services import Actor
from campaign.campaigns import services as campaigns
from campaign.campaigns.models import Campaign
from campaign.draws.models import Draw, DrawPick, DrawPlan, PickState
from campaign.entries.models import ERASED_ORIGINAL, Entry
from campaign.entries.publication import shown_publicly
from campaign.extensions import db
from campaign.instant.models import InstantWinPlay
from campaign.locks import lock_row
from campaign.orgs.models import Organisation
from campaign.privacy.erasure import blank_contact, delete_unreferenced, forget_addresses

OPEN_PICKS = (PickState.CHECKING, PickState.NOTIFIED)  # a winner still to be checked, or free to claim


@dataclass
class CampaignResult:
    slug: str
    emails: int
    originals: int


@dataclass
class Summary:
    dry_run: bool
    campaigns: list[CampaignResult] = field(default_factory=list)

    @property
    def emails(self) -> int:
        return sum(c.emails for c in self.campaigns)

    @property
    def originals(self) -> int:
        return sum(c.originals for c in self.campaigns)


def over_at(campaign: Campaign, now: datetime) -> datetime | None:
    """When the campaign's draw and claims were over, or None while they are not (or it is not closed)."""
    if campaign.closes_at is None or campaign.closes_at > now:
        return None
    moments = [campaign.closes_at]
    if campaign.instant_win:
        plays = db.session.scalars(
            select(InstantWinPlay).where(
                InstantWinPlay.campaign_id == campaign.id, InstantWinPlay.slot_id.is_not(None)
            )
        )
        for play in plays:
            if play.voided_after_seq is not None:
                continue
            if play.shipped_at is None and play.forfeited_at is None:
                return None  # a win still to be approved, claimed or shipped
            moments.append(play.shipped_at or play.forfeited_at)
        return max(moments)
    draw = db.session.scalar(select(Draw).where(Draw.campaign_id == campaign.id))
    if draw is None:
        planned = db.session.scalar(select(DrawPlan.id).where(DrawPlan.campaign_id == campaign.id))
        return None if planned is not None and campaign.prizes else max(moments)  # the draw is still to come
    moments.append(draw.drawn_at)
    for pick in db.session.scalars(select(DrawPick).where(DrawPick.draw_id == draw.id)):
        if pick.state in OPEN_PICKS or (pick.state is PickState.CLAIMED and pick.shipped_at is None):
            return None
        ended = {PickState.SHIPPED: pick.shipped_at, PickState.FORFEITED: pick.claim_deadline}.get(pick.state)
        if ended is not None:
            moments.append(ended)
    return max(moments)


def due(campaign: Campaign, now: datetime) -> bool:
    if campaign.personal_data_erased_at is not None:
        return False
    ended = over_at(campaign, now)
    return ended is not None and ended + timedelta(days=campaign.organisation.retention_days) <= now


def candidates(now: datetime) -> list[Campaign]:
    """Closed campaigns not yet erased that have entries; `due` decides."""
    has_entries = select(Entry.id).where(Entry.campaign_id == Campaign.id).exists()
    query = (
        select(Campaign)
        .join(Organisation, Organisation.id == Campaign.org_id)
        .where(Campaign.personal_data_erased_at.is_(None), Campaign.closes_at <= now, has_entries)
        .order_by(Campaign.id)
    )
    return [campaign for campaign in db.session.scalars(query) if due(campaign, now)]


def count(campaign: Campaign) -> CampaignResult:
    entries = _entries(campaign)
    return CampaignResult(
        campaign.slug,
        sum(1 for e in entries if e.email),
        sum(1 for e in entries if _original_goes(e)),
    )


def erase_campaign(campaign: Campaign, *, now: datetime) -> CampaignResult | None:
    """Erases one due campaign's entrants' data (audited); None when another run did it first."""
    lock_row(campaign)
    if not due(campaign, now):
        return None
    result = count(campaign)
    keys = []
    for entry in _entries(campaign):
        if _original_goes(entry):
            keys.append(entry.original_key)
            entry.original_key = ERASED_ORIGINAL + entry.public_id
        blank_contact(entry)
        forget_addresses(entry, now)
    campaign.personal_data_erased_at = now
    db.session.flush()
    campaigns.audit(
        campaign,
        Actor.system(),
        "campaign.retention",
        now,
        after={
            "emails": result.emails,
            "originals": result.originals,
            "retention_days": campaign.organisation.retention_days,
        },
    )
    if keys:
        jobs.after_commit(delete_unreferenced, keys)
    return result


def apply_retention(
    *,
    now: datetime,
    dry_run: bool = False,
    progress: Callable[[int, int, CampaignResult], None] | None = None,
) -> Summary:
    """Every due campaign, one transaction each (committed here); `progress(done, total, result)` per one."""
    summary = Summary(dry_run)
    due_now = candidates(now)
    for done, campaign in enumerate(due_now, start=1):
        result = count(campaign) if dry_run else erase_campaign(campaign, now=now)
        if not dry_run:
            db.session.commit()
            jobs.run_ready()  # this campaign's photos go now, not after the whole run
        if result is not None:
            summary.campaigns.append(result)
            if progress is not None:
                progress(done, len(due_now), result)
    return summary


def _entries(campaign: Campaign) -> list[Entry]:
    return list(db.session.scalars(select(Entry).where(Entry.campaign_id == campaign.id).order_by(Entry.id)))


def _original_goes(entry: Entry) -> bool:
    return not entry.original_key.startswith(ERASED_ORIGINAL) and not shown_publicly(entry)


def duty(now: datetime) -> str:
    done = apply_retention(now=now)
    return f"{done.emails} emails and {done.originals} originals erased in {len(done.campaigns)} campaigns"
