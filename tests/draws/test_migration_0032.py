"""Migration 0032 on existing data: a campaign launched before it keeps kuchikomi-draw-v1, the rule it was
launched (and its seed committed) with, and is drawn by it; a campaign launched after it gets v2."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from campaign.audit.services import Actor
from campaign.auth.models import User
from campaign.campaigns.settings import PrizeData
from campaign.clock import utcnow
from campaign.draws import algorithm, certificate, services
from campaign.draws.models import DrawPlan
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from tests import factories
from tests.draws.helpers import close, enter, launched_campaign, set_status
from tests.entries.test_migration_0015 import empty_database, migrating_app  # noqa: F401 (fixtures)


def test_0032_keeps_v1_for_campaigns_launched_before_and_gives_v2_to_new_ones(migrating_app):  # noqa: F811
    org = factories.org()
    drawer_id = factories.member(org, "drawer@example.com").id
    prizes = [PrizeData(name="新茶ギフトセット", quantity=2), PrizeData(name="オリジナル湯呑み", quantity=3)]
    before = launched_campaign(org, slug="before", prizes=prizes)
    services.plan_of(before).alternates_per_winner = 2
    db.session.commit()
    campaign_id = before.id
    db.session.remove()

    downgrade(revision="0031")
    with db.engine.connect() as connection:  # the layout before: a plan had no version (plain SQL)
        columns = connection.execute(text("SELECT * FROM draw_plans")).keys()
    assert "algorithm" not in columns
    db.session.remove()

    upgrade(revision="heads")
    plan = db.session.scalar(select(DrawPlan).where(DrawPlan.campaign_id == campaign_id))
    assert plan.algorithm == algorithm.V1
    after = launched_campaign(org, slug="after", prizes=prizes)
    assert services.plan_of(after).algorithm == algorithm.V2

    client = migrating_app.test_client()
    for n in range(4):
        set_status(enter(client, plan.campaign, f"p{n}@example.com"), EntryStatus.APPROVED)
    close(plan.campaign)
    draw = services.run_draw(
        plan.campaign,
        actor=Actor.member(db.session.get(User, drawer_id)),
        password=factories.PASSWORD,
        beacon="",
        secret=migrating_app.secret_key,
        now=utcnow(),
    )
    db.session.commit()
    assert draw.algorithm == algorithm.V1
    assert [(p.prize.name, p.role) for p in draw.picks] == [("新茶ギフトセット", "winner")] * 2 + [
        ("新茶ギフトセット", "alternate")
    ] * 2
    assert certificate.verify(certificate.certificate(draw)) == []
