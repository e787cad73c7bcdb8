"""`flask demo seed`: a demo organisation, marketer and live campaign with sample photos, for newcomers."""

import io
import secrets
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from PIL import Image, ImageDraw
from sqlalchemy import select

from campaign.audit.services import Actor
from campaign.auth import services as auth
from campaign.auth.models import User
from campaign.campaigns import services as campaigns
from campaign.campaigns.models import Campaign
from campaign.campaigns.settings import CampaignData, PrizeData, ProductData
from campaign.clock import utcnow
from campaign.entries import services as entries
from campaign.entries.processing import process_entry
from campaign.extensions import db
from campaign.orgs import services as orgs
from campaign.orgs.models import Organisation, Role
from campaign.storage import get_storage

demo_cli = AppGroup("demo", help="Demo data for trying Kuchikomi out.")

DEMO_EMAIL = "demo@example.com"
SAMPLES = [
    ("さくら", 5, "朝ごはんと一緒に。香りがとても良いです！", (214, 122, 127)),
    ("Ken", 4, "Great with breakfast. The bottle looks lovely on the table.", (94, 139, 126)),
    (None, 5, "毎日使っています。リピート確定です。", (230, 180, 80)),
    ("みどり", 5, "お散歩のお供に。すっきりした後味が好きです。", (120, 170, 200)),
    ("Aoi", 4, "急須で淹れたような味わい。冷やしても美味しい。", (200, 160, 110)),
    ("たけし", 5, "職場のデスクにいつも置いています。", (150, 120, 180)),
]


def sample_photo(colour: tuple[int, int, int], seed: int) -> bytes:
    """A product-like test photo; each seed a different scene, so they are not near-duplicates."""
    image = Image.new("RGB", (1200, 900), colour)
    draw = ImageDraw.Draw(image)
    for y in range(900):
        shade = tuple(min(255, c + (y if seed % 2 else 900 - y) // 6) for c in colour)
        draw.line([(0, y), (1200, y)], fill=shade)
    if seed % 3 == 0:  # a bottle, standing
        body = [420, 220, 680, 780]
        draw.rounded_rectangle(body, radius=60, fill=(250, 250, 245), outline=(60, 60, 60), width=6)
        draw.rectangle([510, 140, 590, 230], fill=(60, 60, 60))
        draw.ellipse([900 - 60 * seed, 120, 1000 - 60 * seed, 220], fill=(255, 250, 230))
    elif seed % 3 == 1:  # a cup and saucer, seen from the side
        draw.ellipse([250, 650, 950, 780], fill=(240, 240, 235), outline=(80, 80, 80), width=5)
        draw.rectangle([380, 330, 820, 700], fill=(250, 250, 245), outline=(80, 80, 80), width=5)
        draw.arc([780, 400, 960, 600], start=270, end=90, fill=(80, 80, 80), width=22)
    else:  # a flat lay: tea leaves around a bowl
        for i in range(14 + seed):
            x, y = 120 + (i * 173) % 960, 90 + (i * 251) % 720
            draw.ellipse([x, y, x + 70, y + 35], fill=(60, 110, 50))
        draw.ellipse([380, 230, 820, 670], fill=(245, 245, 240), outline=(90, 70, 50), width=8)
        draw.ellipse([470, 320, 730, 580], fill=(150, 170, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


@demo_cli.command("seed")
def seed() -> None:
    """Creates (or refreshes) the demo account and campaign, and prints how to log in."""
    now = utcnow()
    password = secrets.token_urlsafe(12)
    user = db.session.scalar(select(User).where(User.email == DEMO_EMAIL))
    if user is None:
        user = auth.create_user(DEMO_EMAIL, password, name="Demo Marketer")
    else:
        auth.set_password(user, password)
    org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo-brand"))
    if org is None:
        org = orgs.create_organisation("みどり茶園", "demo-brand")
    membership = orgs.add_member(org, user, Role.OWNER)
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "spring-photo"))
    if campaign is None:
        campaign = campaigns.create_campaign(org, demo_campaign(now), actor=Actor.system(), now=now)
        campaigns.launch(campaign, now=now)
        db.session.commit()
        add_sample_entries(campaign, membership, Actor.member(user), now)
    if campaign.hero_image is None:  # a demo seeded before the brand page: give it the brand's pictures
        add_brand_images(campaign)
    db.session.commit()
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")  # ./scripts/dev sets it from PORT
    click.echo(f"Demo marketer: {DEMO_EMAIL}  password: {password}")
    click.echo(f"Studio: {base}/login   Campaign page: {base}/c/spring-photo")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)


def demo_campaign(now) -> CampaignData:
    return CampaignData(
        title="新茶の季節フォトキャンペーン",
        title_en="New tea season photo campaign",
        slug="spring-photo",
        description=(
            "「みどり茶 500ml」のある、あなたのお気に入りの瞬間を写真で教えてください。\n"
            "ご応募いただいた方の中から抽選で、1年分のみどり茶や急須セットをプレゼントします。"
        ),
        description_en=(
            "Show us your favourite moment with Midori Tea 500 ml. We draw winners of a year's supply "
            "of tea and a kyusu tea set from everyone who enters."
        ),
        brand_color="#2f6b3a",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        allows_follow_and_post=True,
        brand_handle="midori_chaen",
        hashtags=["みどり茶のある暮らし", "新茶フォト"],
        terms_text=(
            "応募規約（デモ）：写真はご本人が撮影したものに限ります。\n"
            "当選者には、応募確認ページとメールでお知らせします。\n"
            "Demo terms: your own photos only."
        ),
        consent_scopes=["gallery", "review"],
        products=[ProductData(name="みどり茶 500ml", sku="MIDORI-500", jan="4901234567894")],
        prizes=[
            PrizeData(name="みどり茶 1年分（24本×12箱）", quantity=3, value_jpy=30000),
            PrizeData(name="常滑焼 急須と湯呑みのセット", quantity=10, value_jpy=8000),
        ],
    )


def add_brand_images(campaign: Campaign) -> None:
    """Hero, logo and prize pictures, through the same media pipeline as a marketer's upload."""
    from campaign import demo_images
    from campaign.brandpage import services as brand
    from campaign.entries.processing import media_bounds

    bounds = media_bounds(current_app.config)
    brand.attach(
        campaign,
        get_storage(),
        hero=brand.prepare(demo_images.hero(), bounds),
        logo=brand.prepare(demo_images.logo(), bounds),
        prizes={i: brand.prepare(demo_images.prize(i), bounds) for i in range(min(2, len(campaign.prizes)))},
    )
    db.session.commit()


def add_sample_entries(campaign: Campaign, membership, actor: Actor, now) -> None:
    """Customers' photos, processed and approved: the campaign page shows them."""
    from campaign.moderation.services import transition

    limits = entries.Limits.from_config(current_app.config)
    for i, (nickname, rating, caption, colour) in enumerate(SAMPLES):
        sub = entries.Submission(
            email=f"customer{i}@example.com",
            rating=rating,
            caption=caption,
            nickname=nickname or "",
            accepts_terms=True,
            consent_scopes=["gallery", "review"],
            idempotency_key=f"demo-{i}",
            locale="ja",
        )
        entry, _ = entries.submit(
            campaign, sub, sample_photo(colour, i), storage=get_storage(), limits=limits, now=now
        )
        db.session.commit()
        process_entry(entry.id)
        db.session.refresh(entry)
        transition(entry, "approve", actor=actor, membership=membership, now=now)
        db.session.commit()
