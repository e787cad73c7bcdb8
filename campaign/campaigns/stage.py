"""Reads what has already happened to a campaign, for the change rules (change_rules.py)."""

from datetime import datetime

from sqlalchemy import func, select, union

from campaign.campaigns.change_rules import Stage
from campaign.campaigns.models import Campaign, Prize, Product
from campaign.draws.models import Draw, DrawPick
from campaign.entries.models import Consent, Entry, EntryStatus
from campaign.extensions import db
from campaign.galleries.models import Gallery
from campaign.instant.models import InstantWinSlot
from campaign.reviews.models import Review


def stage_of(campaign: Campaign, now: datetime) -> Stage:
    """The campaign's stage, as stored (not as the form being saved would make it)."""
    counts = dict(
        db.session.execute(
            select(Entry.status, func.count()).where(Entry.campaign_id == campaign.id).group_by(Entry.status)
        ).all()
    )
    launched = campaign.launched_at is not None
    return Stage(
        now=now,
        launched=launched,
        opened=launched and campaign.opens_at is not None and now >= campaign.opens_at,
        closed=launched and campaign.closes_at is not None and now >= campaign.closes_at,
        entries=sum(counts.values()),
        drawn=db.session.scalar(select(Draw.id).where(Draw.campaign_id == campaign.id)) is not None,
        instant_win=launched and campaign.instant_win,
        awaiting_approver=counts.get(EntryStatus.RECOMMENDED, 0),
        products_in_use=_products_in_use(campaign),
        prizes_in_use=_prizes_in_use(campaign),
        agreed_terms_versions=frozenset(
            db.session.scalars(
                select(Consent.terms_version)
                .join(Entry, Entry.id == Consent.entry_id)
                .where(Entry.campaign_id == campaign.id)
                .distinct()
            )
        ),
    )


def _products_in_use(campaign: Campaign) -> frozenset[str]:
    used = union(
        select(Review.product_id).where(Review.campaign_id == campaign.id),
        select(Entry.product_id).where(Entry.campaign_id == campaign.id),
        select(Gallery.product_id).where(Gallery.product_id.is_not(None)),
    ).subquery()
    ids = select(Product.public_id).where(Product.campaign_id == campaign.id, Product.id.in_(select(used)))
    return frozenset(db.session.scalars(ids))


def _prizes_in_use(campaign: Campaign) -> frozenset[str]:
    used = union(
        select(DrawPick.prize_id)
        .join(Draw, Draw.id == DrawPick.draw_id)
        .where(Draw.campaign_id == campaign.id),
        select(InstantWinSlot.prize_id).where(InstantWinSlot.campaign_id == campaign.id),
    ).subquery()
    ids = select(Prize.public_id).where(Prize.campaign_id == campaign.id, Prize.id.in_(select(used)))
    return frozenset(db.session.scalars(ids))
