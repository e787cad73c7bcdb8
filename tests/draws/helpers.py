"""A launched campaign with customers' entries, closed and ready to draw."""

import io
import random

from PIL import Image
from sqlalchemy import select

from campaign.campaigns import services as campaigns
from campaign.campaigns.settings import PrizeData
from campaign.clock import utcnow
from campaign.draws.models import Draw, PickState
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.entries.helpers import submit


def launched_campaign(org, **overrides):
    """Launched through the service, so the `campaign_launched` listener commits the seed."""
    made = factories.campaign(org, launch=False, **overrides)
    campaigns.launch(made, now=utcnow())
    db.session.commit()
    return made


def distinct_photo(seed: str) -> bytes:
    """Random blocks, so no two entrants' photos are flagged as duplicates of each other."""
    rng = random.Random(seed)
    image = Image.new("RGB", (8, 8))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(64)])
    buffer = io.BytesIO()
    image.resize((320, 240), Image.Resampling.NEAREST).save(buffer, "PNG")
    return buffer.getvalue()


def enter(client, campaign, email: str, **overrides) -> Entry:
    overrides.setdefault("photo", distinct_photo(email + str(overrides)))
    response = submit(client, campaign.slug, email=email, filename="photo.png", **overrides)
    assert response.status_code == 303, response.text
    return db.session.scalars(select(Entry).order_by(Entry.id.desc())).first()


def set_status(entry: Entry, status: EntryStatus) -> None:
    """Stands in for moderation (issue 4), whose services are not merged yet."""
    entry.status = status
    db.session.commit()


def close(campaign) -> None:
    campaign.closes_at = utcnow()
    db.session.commit()


def studio_setup(role: Role = Role.OWNER):
    org = factories.org()
    user = factories.member(org, "drawer@example.com", role)
    return org, user


PRIZES = [PrizeData(name="Tea for a year", quantity=2, value_jpy=30000), PrizeData(name="Mug", quantity=1)]


def certificate_errors(document: dict) -> list[str]:
    """What in a draw certificate breaks its published JSON Schema (empty: it conforms)."""
    import jsonschema_rs

    from campaign.draws.certificate_schema import SCHEMA

    return [
        f"{list(e.instance_path)}: {e.message}"
        for e in jsonschema_rs.validator_for(SCHEMA).iter_errors(document)
    ]


def drawn_awaiting_check(client, studio):
    """A follow-and-post draw whose winner waits for the marketer's check (no connector)."""
    org, _ = studio_setup()
    campaign = launched_campaign(
        org,
        prizes=[PrizeData(name="Tea set", quantity=1)],
        allows_follow_and_post=True,
        brand_handle="brand",
        hashtags=["tea"],
    )
    for n in range(3):
        entry = enter(
            client,
            campaign,
            f"p{n}@example.com",
            social_handle=f"p{n}",
            post_url=f"https://www.instagram.com/p/POST{n}/",
        )
        set_status(entry, EntryStatus.APPROVED)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    page = f"/studio/campaigns/{campaign.public_id}/draw"
    assert studio.post(page, {"password": factories.PASSWORD}, form_page=page).status_code == 303
    draw = db.session.scalar(select(Draw))
    winner = next(p for p in draw.picks if p.role == "winner")
    assert winner.state is PickState.CHECKING
    return campaign, winner


GIFT, MUG = "新茶ギフトセット", "オリジナル湯呑み"


def walk_through(client, studio, org=None, *, slug: str = "shincha", launched_under: str | None = None):
    """A walk-through's campaign, drawn: 4 people for the gift set x2 then the mugs x3, 2 alternates per
    winner. `launched_under` gives its plan the version migration 0032 leaves on a campaign launched before
    kuchikomi-draw-v2 (the plan's rule is otherwise the one current at launch)."""
    from campaign.draws import services

    if org is None:  # else the caller set up the organisation and logged `studio` in
        org, _ = studio_setup()
        studio.login("drawer@example.com", factories.PASSWORD)
    prizes = [PrizeData(name=GIFT, quantity=2), PrizeData(name=MUG, quantity=3)]
    campaign = launched_campaign(org, slug=slug, title="春の新茶キャンペーン", prizes=prizes)
    if launched_under is not None:
        services.plan_of(campaign).algorithm = launched_under
        db.session.commit()
    screen = f"/studio/campaigns/{campaign.public_id}/draw"
    rules = {"beacon_source": "", "eligibility": "approved", "alternates_per_winner": "2", "claim_days": "14"}
    assert studio.post(f"{screen}/plan", rules, form_page=screen).status_code == 302
    for name in ("hana", "sora", "yui", "ren"):
        set_status(enter(client, campaign, f"{name}.{slug}@example.com", nickname=name), EntryStatus.APPROVED)
    close(campaign)
    assert studio.post(screen, {"password": factories.PASSWORD}, form_page=screen).status_code == 303
    return campaign, db.session.scalar(select(Draw).where(Draw.campaign_id == campaign.id))
