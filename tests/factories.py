"""Test data made through the same services the app uses, so a fixture can never hold what the app refuses."""

import io
from datetime import timedelta

from PIL import Image, ImageDraw

from campaign.audit.services import Actor
from campaign.auth import services as auth
from campaign.campaigns import services as campaigns
from campaign.campaigns.settings import CampaignData, PrizeData, ProductData
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.orgs import services as orgs
from campaign.orgs.models import Role

PASSWORD = "correct horse battery"


def user(email: str = "marketer@example.com", password: str = PASSWORD):
    made = auth.create_user(email, password, name=email.split("@")[0])
    db.session.commit()
    return made


def org(slug: str = "brand-a", name: str | None = None):
    made = orgs.create_organisation(name or slug.title(), slug)
    db.session.commit()
    return made


def member(organisation, email: str, role: Role = Role.OWNER):
    account = user(email)
    orgs.add_member(organisation, account, role)
    db.session.commit()
    return account


def campaign_data(**overrides) -> CampaignData:
    now = utcnow()
    values = dict(
        title="Summer photos",
        slug="summer",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        terms_text="Terms: your own photos only.",
        consent_scopes=["gallery", "review"],
        products=[ProductData(name="Green tea", sku="TEA-1", jan="4901234567894")],
        prizes=[PrizeData(name="A year of tea", quantity=2, value_jpy=30000)],
    )
    values.update(overrides)
    return CampaignData(**values)


def campaign(organisation, *, launch: bool = True, **overrides):
    made = campaigns.create_campaign(
        organisation, campaign_data(**overrides), actor=Actor.system(), now=utcnow()
    )
    if launch:
        made.launched_at = utcnow() - timedelta(days=2)
    db.session.commit()
    return made


def photo(width: int = 640, height: int = 480, fmt: str = "JPEG", colour=(200, 80, 60), **save) -> bytes:
    """A small photo with some structure (a gradient and a shape), in any format Pillow writes."""
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 8):
        draw.line([(x, 0), (x, height)], fill=(colour[0], (x * 255) // max(width, 1), colour[2]))
    draw.ellipse([width // 4, height // 4, 3 * width // 4, 3 * height // 4], fill=(30, 30, 120))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()
