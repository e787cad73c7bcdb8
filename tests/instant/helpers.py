"""Instant-win campaigns and plays with a controllable clock (entries made directly, no photo processing)."""

from sqlalchemy import select

from campaign.campaigns.settings import PrizeData
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.instant import services as instant_services
from campaign.instant.models import InstantWinSlot
from tests.draws.helpers import launched_campaign

SECRET = "test-secret"


def instant_campaign(org, quantity: int = 3, odds: int = 1, **overrides):
    prizes = overrides.pop("prizes", [PrizeData(name="Tea", quantity=quantity, value_jpy=1000)])
    return launched_campaign(org, instant_win=True, instant_win_odds=odds, prizes=prizes, **overrides)


def bare_entry(campaign, email: str, now) -> Entry:
    entry = Entry(
        org_id=campaign.org_id,
        campaign=campaign,
        idempotency_key=new_public_id(),
        rating=5,
        email=email,
        email_normalised=email,
        storage_backend="memory",
        original_key=f"private/originals/{new_public_id()}.png",
        original_format="png",
        original_bytes=1,
        created_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def play(campaign, email: str, now):
    """One accepted entry and its play, committed as the submission would."""
    result = instant_services.play(bare_entry(campaign, email, now), secret=SECRET, now=now)
    db.session.commit()
    return result


def slots(campaign) -> list[InstantWinSlot]:
    return list(
        db.session.scalars(
            select(InstantWinSlot)
            .where(InstantWinSlot.campaign_id == campaign.id)
            .order_by(InstantWinSlot.position)
        )
    )
