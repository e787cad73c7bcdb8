"""A campaign's public address: the lookup customers' pages use, and the addresses a renamed campaign keeps
(a launched campaign's old address redirects to it for good and is never given to another)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from campaign.campaigns.models import Campaign, CampaignStatus, RetiredSlug
from campaign.errors import DomainError, NotFound
from campaign.extensions import db


class CampaignMoved(DomainError):
    """A retired address: the campaign now lives at `slug` (views redirect, keeping the rest of the path)."""

    status = 308
    code = "campaign_moved"

    def __init__(self, old: str, slug: str):
        super().__init__()
        self.old, self.slug = old, slug


class CampaignEnded(DomainError):
    """A launched campaign its brand has archived: its address says so (410), with what stays public of it
    (the draw's certificate, the winner-message check), instead of a bare "page does not exist"."""

    status = 410
    code = "campaign_ended"
    message = _l("This campaign has ended.")

    def __init__(self, campaign: Campaign):
        super().__init__()
        self.campaign = campaign


def retire_slug(campaign: Campaign, new_slug: str, now: datetime) -> None:
    """A launched campaign's old address keeps redirecting to it and is never reused; taking back one of
    its own old addresses un-retires it."""
    db.session.execute(
        RetiredSlug.__table__.delete().where(
            RetiredSlug.slug == new_slug, RetiredSlug.campaign_id == campaign.id
        )
    )
    if campaign.launched_at is not None:
        db.session.add(RetiredSlug(slug=campaign.slug, campaign_id=campaign.id, retired_at=now))


def public_campaign(slug: str, *, now: datetime, archived_too: bool = False) -> Campaign:
    """A campaign customers may see: launched and not archived; a draft does not exist, an archived one has
    ended (CampaignEnded).

    `archived_too` is for the public record a launched campaign keeps after it is archived (the winner
    check page, the instant-win certificate). A retired address raises CampaignMoved."""
    query = select(Campaign).where(Campaign.slug == slug).options(joinedload(Campaign.products))
    campaign = db.session.execute(query).unique().scalar_one_or_none()  # its page and form offer the products
    if campaign is None:
        moved_to = db.session.scalar(
            select(Campaign.slug)
            .join(RetiredSlug, RetiredSlug.campaign_id == Campaign.id)
            .where(RetiredSlug.slug == slug)
        )
        if moved_to is not None:
            raise CampaignMoved(slug, moved_to)
        raise NotFound()
    if campaign.page_online(now):
        return campaign
    if campaign.launched_at is not None and campaign.status(now) is CampaignStatus.ARCHIVED:
        if archived_too:
            return campaign
        raise CampaignEnded(campaign)
    raise NotFound()
