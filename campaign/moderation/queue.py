"""The moderation queue: one query for the page, one for its photos, whatever the page size."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from campaign.campaigns.models import Campaign, Product
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from campaign.orgs.models import Organisation
from campaign.orgs.services import scoped

TO_DO = (EntryStatus.RECEIVED, EntryStatus.RECOMMENDED)
# The queue's source filter (issue 12): a name -> the condition on entries. Add a name to filter more ways.
SOURCE_FILTERS = {
    "upload": Entry.network == "",
    "instagram": Entry.network == "instagram",
    "x": Entry.network == "x",
}
PAGE_SIZE = 100


@dataclass
class QueueFilter:
    states: list[EntryStatus] = field(default_factory=lambda: list(TO_DO))
    campaign: Campaign | None = None
    product: Product | None = None
    rating: int | None = None
    date_from: date | None = None  # in the organisation's time zone, inclusive
    date_to: date | None = None
    duplicates_only: bool = False
    rights: str = ""  # "" any; "none" (collected, never asked) or a rights.models.RightsState
    source: str | None = None  # a key of SOURCE_FILTERS
    left_out: str = ""  # with a campaign: what its draw leaves out for this reason (eligibility.LIST_REASONS)


@dataclass
class QueuePage:
    entries: list[Entry]
    total: int
    page: int
    pages: int


def _local_midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def _filtered(org: Organisation, flt: QueueFilter):
    query = scoped(Entry, org)
    if flt.states:
        query = query.where(Entry.status.in_(flt.states))
    if flt.campaign is not None:
        query = query.where(Entry.campaign_id == flt.campaign.id)
    if flt.product is not None:
        query = query.where(Entry.product_id == flt.product.id)
    if flt.rating is not None:
        query = query.where(Entry.rating == flt.rating)
    zone = ZoneInfo(org.timezone)
    if flt.date_from is not None:
        query = query.where(Entry.created_at >= _local_midnight_utc(flt.date_from, zone))
    if flt.date_to is not None:
        query = query.where(Entry.created_at < _local_midnight_utc(flt.date_to + timedelta(days=1), zone))
    if flt.duplicates_only:
        query = query.where(Entry.duplicate_kind != "")
    if flt.rights:
        from campaign.rights.queries import with_rights_state

        query = with_rights_state(query, flt.rights)
    if flt.source in SOURCE_FILTERS:
        query = query.where(SOURCE_FILTERS[flt.source])
    if flt.left_out and flt.campaign is not None:
        from campaign.draws.exclusions import left_out_for

        query = query.where(left_out_for(flt.campaign, flt.left_out))
    return query


def products_for(org: Organisation, campaign: Campaign | None) -> list[Product]:
    """What the product filter offers: the campaign's products, or every product of the organisation."""
    if campaign is not None:
        return list(campaign.products)
    return list(
        db.session.scalars(
            select(Product)
            .join(Product.campaign)
            .where(Campaign.org_id == org.id)
            .options(joinedload(Product.campaign))
            .order_by(Campaign.title, Product.position)
        )
    )


def queue_page(org: Organisation, flt: QueueFilter, *, page: int = 1, per_page: int = PAGE_SIZE) -> QueuePage:
    """Oldest first, so nothing waits forever; the template may touch only what is loaded here."""
    base = _filtered(org, flt)
    total = db.session.scalar(select(func.count()).select_from(base.order_by(None).subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    entries = db.session.scalars(
        base.options(
            joinedload(Entry.campaign),
            joinedload(Entry.rejection_reason),
            joinedload(Entry.consent),
            selectinload(Entry.derivatives),
        )
        .order_by(Entry.created_at, Entry.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return QueuePage(list(entries), total, page, pages)


def entries_in_order(org: Organisation, flt: QueueFilter) -> Iterator[Entry]:
    """Every entry the filter matches, oldest first, read in batches (an export of any size)."""
    query = (
        _filtered(org, flt)
        .options(joinedload(Entry.campaign), joinedload(Entry.product), joinedload(Entry.consent))
        .order_by(Entry.created_at, Entry.id)
        .execution_options(yield_per=500)
    )
    yield from db.session.scalars(query)
