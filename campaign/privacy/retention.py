"""Retention: once a campaign's draw and claims are over, its entrants' data lasts N more days.

N is the organisation's `retention_days` (default 90). Then every entry not shown publicly is erased as a
customer's erasure erases it (email, social account, caption, nickname, team note, photos, postal address:
`erasure.erase_data`), its status kept. A published photo keeps what it shows (its public caption, nickname
and renditions) while it is published, under the customer's consent, and nothing else: its email, social
account, team note, original (as sent, with its metadata) and any masked part of its caption go. It keeps
keyed hashes of its address and account (`person_digest`, `account_digest`), so a request by either still
finds it. Once it is shown no more (taken down, withdrawn, its consent gone), the next run erases it whole.
What a draw needs to verify stays (entry public ids, participant tokens, the frozen list).

A plain function for the scheduler and for `flask privacy retention`; safe to run twice at once (the
campaign row is locked and re-checked), and it commits one campaign at a time, so a long run keeps what it
has done.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign import jobs
from campaign.audit.services import Actor
from campaign.campaigns import services as campaigns
from campaign.campaigns.models import Campaign
from campaign.draws.models import Draw, DrawPick, DrawPlan, PickState
from campaign.entries.models import ERASED_ORIGINAL, Entry, EntryStatus
from campaign.entries.publication import shown_publicly, unpublish
from campaign.extensions import db
from campaign.instant.models import InstantWinPlay
from campaign.locks import lock_row
from campaign.orgs.models import Organisation
from campaign.privacy.erasure import blank_contact, delete_unreferenced, erase_data, forget_addresses
from campaign.privacy.requests import person_hash, persons_of

OPEN_PICKS = (PickState.CHECKING, PickState.NOTIFIED)  # a winner still to be checked, or free to claim


@dataclass
class CampaignResult:
    slug: str
    emails: int  # addresses erased
    originals: int  # original photos deleted
    erased: int  # entries erased whole (not shown publicly)


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

    @property
    def erased(self) -> int:
        return sum(c.erased for c in self.campaigns)


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


def due(campaign: Campaign, now: datetime, remaining: list[Entry] | None = None) -> bool:
    """`remaining`: the campaign's entries not erased yet, when the caller has read them."""
    if campaign.personal_data_erased_at is not None:  # its retention ran: a photo it kept, shown no more
        entries = _remaining(campaign) if remaining is None else remaining
        return any(not shown_publicly(entry) for entry in entries)
    ended = over_at(campaign, now)
    return ended is not None and ended + timedelta(days=campaign.organisation.retention_days) <= now


def candidates(now: datetime) -> list[Campaign]:
    """Closed campaigns not yet erased that have entries, and erased ones that kept a published photo (it
    may be shown no more: taken down, withdrawn, or its consent gone, which only Python's rule reads); `due`
    decides."""
    has_entries = select(Entry.id).where(Entry.campaign_id == Campaign.id).exists()
    kept = select(Entry.id).where(Entry.campaign_id == Campaign.id, Entry.erased_at.is_(None)).exists()
    query = (
        select(Campaign)
        .join(Organisation, Organisation.id == Campaign.org_id)
        .where(
            (Campaign.personal_data_erased_at.is_(None) & (Campaign.closes_at <= now) & has_entries)
            | (Campaign.personal_data_erased_at.is_not(None) & kept)
        )
        .order_by(Campaign.id)
    )
    return [campaign for campaign in db.session.scalars(query) if due(campaign, now)]


def count(campaign: Campaign, remaining: list[Entry] | None = None) -> CampaignResult:
    entries = _remaining(campaign) if remaining is None else remaining
    return CampaignResult(
        campaign.slug,
        sum(1 for e in entries if e.email),
        sum(1 for e in entries if e.has_original),
        sum(1 for e in entries if not shown_publicly(e)),
    )


def erase_campaign(campaign: Campaign, *, now: datetime) -> CampaignResult | None:
    """Erases one due campaign's entrants' data (audited); None when another run did it first."""
    lock_row(campaign)
    remaining = _remaining(campaign)  # read once: due, counted and erased from the same rows
    if not due(campaign, now, remaining):
        return None
    result = count(campaign, remaining)
    keys = []
    for entry in remaining:
        if not shown_publicly(entry):
            if entry.status is EntryStatus.APPROVED:  # still approved, its consent gone: its public copies
                unpublish(entry)  # go too (a check found them left, reachable, after the entry was erased)
            keys += erase_data(entry, now, by="retention")
        else:
            keys += _keep_what_is_shown(entry, campaign.organisation, now)
    campaign.personal_data_erased_at = campaign.personal_data_erased_at or now
    db.session.flush()
    campaigns.audit(
        campaign,
        Actor.system(),
        "campaign.retention",
        now,
        after={
            "emails": result.emails,
            "originals": result.originals,
            "erased": result.erased,
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


def _keep_what_is_shown(entry: Entry, organisation: Organisation, now: datetime) -> list[str]:
    """A published photo keeps what it shows and keyed hashes of whose it is; returns its original's key
    (to delete after the commit), or nothing when it went already."""
    address, account = persons_of(entry)
    secret = current_app.secret_key
    if address is not None:
        entry.person_digest = person_hash(secret, address, organisation)
    if account is not None:
        entry.account_digest = person_hash(secret, account, organisation)
    blank_contact(entry)
    forget_addresses(entry, now)
    entry.caption, entry.redacted_caption = entry.public_caption, None  # a masked part is gone for good
    entry.team_note = ""
    if not entry.has_original:
        return []
    original, entry.original_key = entry.original_key, ERASED_ORIGINAL + entry.public_id
    return [original]


def _remaining(campaign: Campaign) -> list[Entry]:
    """The campaign's entries not erased yet (with their consents: `shown_publicly` reads them)."""
    query = select(Entry).where(Entry.campaign_id == campaign.id, Entry.erased_at.is_(None))
    return list(db.session.scalars(query.options(selectinload(Entry.consent)).order_by(Entry.id)))


def said(result: Summary | CampaignResult) -> str:
    """What a run (or one campaign of it) did or would do, in one line."""
    line = (
        f"{_counted(result.erased, 'entry', 'entries')} erased whole, {_counted(result.emails, 'email')} "
        f"and {_counted(result.originals, 'original')} erased"
    )
    if isinstance(result, Summary):
        line += f" in {_counted(len(result.campaigns), 'campaign')}"
    return line


def _counted(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def duty(now: datetime) -> str:
    return said(apply_retention(now=now))
