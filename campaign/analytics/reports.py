"""The numbers a marketer reads: the campaign funnel, each gallery's reach, clicks and the sales it led
to, the photos that work best, and one photo's click-through rate. All from the daily rollups, over local
days of the organisation's time zone (the rollups' days are already local)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from campaign.analytics.models import Rollup
from campaign.campaigns.models import Campaign
from campaign.entries.models import Consent, Entry, EntryStatus
from campaign.entries.publication import PUBLIC_SCOPES
from campaign.extensions import db
from campaign.galleries.models import Gallery
from campaign.reviews.public import consents_to, publishable_rows

MAX_DAYS = 366
TOP_PHOTOS = 10
SUMS = (
    "visits",
    "impressions",
    "views",
    "interactions",
    "clicks",
    "click_conversions",
    "view_conversions",
    "click_revenue_cents",
    "view_revenue_cents",
)


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Totals:
    visits: int = 0
    impressions: int = 0
    views: int = 0
    interactions: int = 0
    clicks: int = 0
    click_conversions: int = 0
    view_conversions: int = 0
    revenue: dict[str, dict[str, float]] = field(default_factory=dict)  # currency -> {"click", "view"}

    @property
    def interaction_rate(self) -> float | None:
        return rate(self.interactions, self.impressions)

    @property
    def ctr(self) -> float | None:
        return rate(self.clicks, self.impressions)

    @property
    def conversions(self) -> int:
        return self.click_conversions + self.view_conversions

    def add(self, row) -> None:
        for name in SUMS[:7]:
            setattr(self, name, getattr(self, name) + int(getattr(row, name) or 0))
        if row.currency:
            money = self.revenue.setdefault(row.currency, {"click": 0.0, "view": 0.0})
            money["click"] += int(row.click_revenue_cents or 0) / 100
            money["view"] += int(row.view_revenue_cents or 0) / 100


def _sums():
    return [func.sum(getattr(Rollup, name)).label(name) for name in SUMS]


def _in_range(query, start: date, end: date):
    return query.where(Rollup.day >= start, Rollup.day <= end)


@dataclass
class GalleryReport:
    gallery: Gallery
    totals: Totals


def galleries(org_id: int, start: date, end: date) -> list[GalleryReport]:
    """Every gallery of the organisation, busiest first, with its totals over the range."""
    rows = db.session.execute(
        _in_range(select(Rollup.gallery_id, Rollup.currency, *_sums()), start, end)
        .where(Rollup.org_id == org_id, Rollup.gallery_id != 0)
        .group_by(Rollup.gallery_id, Rollup.currency)
    ).all()
    reports = {
        gallery.id: GalleryReport(gallery, Totals())
        for gallery in db.session.scalars(
            select(Gallery).where(Gallery.org_id == org_id).order_by(Gallery.id)
        )
    }
    for row in rows:
        if row.gallery_id in reports:
            reports[row.gallery_id].totals.add(row)
    return sorted(reports.values(), key=lambda r: (-r.totals.impressions, r.gallery.id))


@dataclass
class PhotoReport:
    entry: Entry
    views: int
    clicks: int
    interactions: int
    conversions: int

    @property
    def ctr(self) -> float | None:
        return rate(self.clicks, self.views)


def top_photos(org_id: int, start: date, end: date, *, limit: int = TOP_PHOTOS) -> list[PhotoReport]:
    """The photos with the most clicks (then sightings) over the range."""
    rows = db.session.execute(
        _in_range(
            select(
                Rollup.photo_id,
                func.sum(Rollup.views).label("views"),
                func.sum(Rollup.clicks).label("clicks"),
                func.sum(Rollup.interactions).label("interactions"),
                func.sum(Rollup.click_conversions + Rollup.view_conversions).label("conversions"),
            ),
            start,
            end,
        )
        .where(Rollup.org_id == org_id, Rollup.photo_id != 0)
        .group_by(Rollup.photo_id)
        .order_by(func.sum(Rollup.clicks).desc(), func.sum(Rollup.views).desc(), Rollup.photo_id)
        .limit(limit)
    ).all()
    entries = {
        e.id: e
        for e in db.session.scalars(
            select(Entry)
            .where(Entry.org_id == org_id, Entry.id.in_([r.photo_id for r in rows]))
            .options(selectinload(Entry.derivatives))
        )
    }
    return [
        PhotoReport(entries[r.photo_id], int(r.views), int(r.clicks), int(r.interactions), int(r.conversions))
        for r in rows
        if r.photo_id in entries
    ]


def photo_ctr(entry_ids: list[int], since: date) -> dict[int, dict]:
    """For the moderation view: per entry id, {"views", "clicks", "ctr"} since that local day (entries
    never seen in a gallery are absent)."""
    if not entry_ids:
        return {}
    rows = db.session.execute(
        select(Rollup.photo_id, func.sum(Rollup.views), func.sum(Rollup.clicks))
        .where(Rollup.photo_id.in_(entry_ids), Rollup.day >= since)
        .group_by(Rollup.photo_id)
    ).all()
    return {
        photo: {
            "views": int(views or 0),
            "clicks": int(clicks or 0),
            "ctr": rate(int(clicks or 0), int(views or 0)),
        }
        for photo, views, clicks in rows
    }


def photo_ctr_of(entry: Entry, days: int = 30) -> dict | None:
    """The moderation panel's line: `photo_ctr` of one entry over the organisation's last `days` days."""
    from flask import g

    from campaign.clock import utcnow

    zone = ZoneInfo(getattr(g, "timezone", None) or "Asia/Tokyo")
    since = utcnow().astimezone(zone).date() - timedelta(days=days - 1)
    return photo_ctr([entry.id], since).get(entry.id)


def per_day(org_id: int, start: date, end: date) -> list[tuple[date, Totals]]:
    """Every day of the range, zeros included: the chart's and the table's rows."""
    days = {start + timedelta(days=i): Totals() for i in range((end - start).days + 1)}
    rows = db.session.execute(
        _in_range(select(Rollup.day, Rollup.currency, *_sums()), start, end)
        .where(Rollup.org_id == org_id)
        .group_by(Rollup.day, Rollup.currency)
    ).all()
    for row in rows:
        days[row.day].add(row)
    return sorted(days.items())


@dataclass
class Funnel:
    campaign: Campaign
    visits: int
    submissions: int
    approved: int
    published: int
    earned: Totals = field(default_factory=Totals)  # its photos' sightings, clicks and sales in galleries


def _utc_bounds(start: date, end: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, zone).astimezone(UTC),
        datetime.combine(end + timedelta(days=1), time.min, zone).astimezone(UTC),
    )


def funnels(org_id: int, timezone: str, start: date, end: date) -> list[Funnel]:
    """Per campaign: page visits → entries sent in the range → of those approved → of those public (a
    gallery or a review may show them). Counted by the database: a range of 30,000 entries loaded every
    entry before (5 s and 155 MB for the page); only the public ones' consents are read now."""
    low, high = _utc_bounds(start, end, ZoneInfo(timezone))
    visits = dict(
        db.session.execute(
            _in_range(select(Rollup.campaign_id, func.sum(Rollup.visits)), start, end)
            .where(Rollup.org_id == org_id, Rollup.campaign_id != 0)
            .group_by(Rollup.campaign_id)
        ).all()
    )
    sent = (Entry.org_id == org_id, Entry.created_at >= low, Entry.created_at < high)
    approved = func.count().filter(Entry.status == EntryStatus.APPROVED)
    counts = {
        row.campaign_id: row
        for row in db.session.execute(
            select(Entry.campaign_id, func.count().label("sent"), approved.label("approved"))
            .where(*sent)
            .group_by(Entry.campaign_id)
        )
    }
    published: Counter[int] = Counter(
        campaign_id
        for campaign_id, scopes in db.session.execute(
            select(Entry.campaign_id, Consent.scopes).join(Consent).where(*sent, publishable_rows())
        )
        if any(consents_to(scopes, scope) for scope in PUBLIC_SCOPES)
    )
    earned = earned_by_campaign(org_id, start, end)
    campaigns = db.session.scalars(
        select(Campaign).where(Campaign.org_id == org_id).order_by(Campaign.id.desc())
    ).all()
    result = []
    for campaign in campaigns:
        row = counts.get(campaign.id)
        result.append(
            Funnel(
                campaign,
                int(visits.get(campaign.id) or 0),
                row.sent if row else 0,
                row.approved if row else 0,
                published[campaign.id],
                earned.get(campaign.id, Totals()),
            )
        )
    return result


def earned_by_campaign(org_id: int, start: date, end: date) -> dict[int, Totals]:
    """What each campaign's photos earned in the galleries over the range: sightings, clicks, and the sales
    (with their revenue) attributed to one of its photos. A sale attributed to a gallery seen as a whole, no
    photo named, belongs to no campaign: the galleries' table counts it."""
    rows = db.session.execute(
        _in_range(select(Entry.campaign_id, Rollup.currency, *_sums()), start, end)
        .select_from(Rollup)
        .join(Entry, Entry.id == Rollup.photo_id)
        .where(Rollup.org_id == org_id, Entry.org_id == org_id)
        .group_by(Entry.campaign_id, Rollup.currency)
    ).all()
    earned: dict[int, Totals] = {}
    for row in rows:
        earned.setdefault(row.campaign_id, Totals()).add(row)
    return earned


def gallery_rollups(gallery: Gallery, start: date, end: date) -> list[dict]:
    """The public API's rows: per day × photo × product × currency (ids are public ids)."""
    rows = db.session.execute(
        _in_range(select(Rollup), start, end)
        .where(Rollup.gallery_id == gallery.id, Rollup.org_id == gallery.org_id)
        .order_by(Rollup.day, Rollup.photo_id, Rollup.product_id, Rollup.currency)
    ).scalars()
    rows = list(rows)
    photos = dict(
        db.session.execute(
            select(Entry.id, Entry.public_id).where(Entry.id.in_({r.photo_id for r in rows if r.photo_id}))
        ).all()
    )
    from campaign.campaigns.models import Product

    products = dict(
        db.session.execute(
            select(Product.id, Product.public_id).where(
                Product.id.in_({r.product_id for r in rows if r.product_id})
            )
        ).all()
    )
    return [
        {
            "day": r.day.isoformat(),
            "photo": photos.get(r.photo_id),
            "product": products.get(r.product_id),
            "currency": r.currency or None,
            "impressions": r.impressions,
            "photo_views": r.views,
            "interactions": r.interactions,
            "clicks": r.clicks,
            "click_conversions": r.click_conversions,
            "view_conversions": r.view_conversions,
            "click_revenue": r.click_revenue_cents / 100,
            "view_revenue": r.view_revenue_cents / 100,
        }
        for r in rows
    ]


def export_rows(org_id: int, start: date, end: date) -> list[list]:
    """The CSV's rows: the rollups of the range with names instead of ids."""
    from campaign.campaigns.models import Product

    rows = db.session.scalars(
        _in_range(select(Rollup), start, end)
        .where(Rollup.org_id == org_id)
        .order_by(Rollup.day, Rollup.campaign_id, Rollup.gallery_id, Rollup.photo_id, Rollup.product_id)
    ).all()
    campaigns = dict(
        db.session.execute(select(Campaign.id, Campaign.title).where(Campaign.org_id == org_id)).all()
    )
    names = dict(db.session.execute(select(Gallery.id, Gallery.name).where(Gallery.org_id == org_id)).all())
    photos = dict(
        db.session.execute(
            select(Entry.id, Entry.public_id).where(
                Entry.org_id == org_id, Entry.id.in_({r.photo_id for r in rows})
            )
        ).all()
    )
    products = dict(
        db.session.execute(
            select(Product.id, Product.name).where(Product.id.in_({r.product_id for r in rows}))
        ).all()
    )
    return [
        [
            r.day.isoformat(),
            campaigns.get(r.campaign_id, ""),
            names.get(r.gallery_id, ""),
            photos.get(r.photo_id, ""),
            products.get(r.product_id, ""),
            r.currency,
            r.visits,
            r.impressions,
            r.views,
            r.interactions,
            r.clicks,
            r.click_conversions,
            r.view_conversions,
            csv_amount(r.click_revenue_cents, r.currency),
            csv_amount(r.view_revenue_cents, r.currency),
        ]
        for r in rows
    ]


def csv_amount(cents: int, currency: str) -> str:
    """A revenue as a spreadsheet reads it: with the currency's own decimals (¥4980, not 4980.00)."""
    from babel.numbers import get_currency_precision

    digits = get_currency_precision(currency or "JPY")
    return f"{cents / 100:.{digits}f}"
