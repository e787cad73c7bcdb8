"""Winners' steps taken twice at the same moment, on SQLite and PostgreSQL: made once (the pick is locked
first)."""

import re

import pytest
from sqlalchemy import func, select

from campaign.audit.models import AuditEvent
from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.draws import winners
from campaign.draws.models import DrawPick, PickState
from campaign.extensions import db
from tests.conftest import csrf_from
from tests.draws.helpers import drawn_awaiting_check
from tests.races import race

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
CODE_RE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b")


def check_passed(pick_id: int):
    def racer(ready):
        pick = db.session.get(DrawPick, pick_id)
        assert pick.state is PickState.CHECKING  # what both clicks' page showed
        drawer = pick.draw.campaign.organisation.memberships[0].user
        ready()
        winners.check_by_hand(
            pick,
            actor=Actor.member(drawer),
            passed=True,
            note="checked",
            secret="test-secret",
            base_url="http://localhost/",
            now=utcnow(),
        )

    return racer


def test_check_passed_clicked_twice_sends_one_notice_whose_code_is_genuine(app, client, studio, smtp_server):
    campaign, winner = drawn_awaiting_check(client, studio)
    outcomes = race(app, check_passed(winner.id), check_passed(winner.id))
    assert sorted(outcomes) == ["done", "draw_refused"], outcomes
    [mail] = smtp_server.to(winner.entry.email)
    code = CODE_RE.search(mail.get_content()).group(1)
    db.session.refresh(winner)
    assert winner.notice_code == code
    notices = select(func.count()).where(AuditEvent.action == "draw.notify")
    assert db.session.scalar(notices) == 1
    page = client.get(f"/c/{campaign.slug}/check")
    answer = client.post(f"/c/{campaign.slug}/check", data={"code": code, "csrf_token": csrf_from(page.text)})
    assert "Genuine" in answer.text


def test_a_prize_edit_racing_the_draw_never_leaves_the_draw_short_of_the_prizes(app, client):
    """The save grows a prize while the draw runs: one waits for the other (both lock the campaign),
    so the draw picks for the quantity it ends with, or the save is refused because the draw came first."""
    from campaign.campaigns import services as campaigns
    from campaign.campaigns.models import Campaign
    from campaign.campaigns.settings import PrizeData
    from campaign.draws import services as draws
    from campaign.draws.models import Draw
    from campaign.entries.models import EntryStatus
    from tests import factories
    from tests.draws.helpers import close, enter, launched_campaign, set_status, studio_setup

    org, drawer = studio_setup()
    campaign = launched_campaign(org, prizes=[PrizeData(name="Tea set", quantity=1)])
    for n in range(4):
        set_status(enter(client, campaign, f"p{n}@example.com"), EntryStatus.APPROVED)
    close(campaign)
    campaign_id, drawer_id = campaign.id, drawer.id

    def save(ready):
        saved = db.session.get(Campaign, campaign_id)
        data = campaigns.snapshot(saved)
        data.prizes[0].quantity = 2
        ready()
        actor = Actor.member(db.session.get(type(drawer), drawer_id))
        campaigns.update_campaign(saved, data, actor=actor, now=utcnow())

    def draw(ready):
        drawn = db.session.get(Campaign, campaign_id)
        assert [p.quantity for p in drawn.prizes] == [1]  # what the drawer's page showed
        ready()
        actor = Actor.member(db.session.get(type(drawer), drawer_id))
        draws.run_draw(
            drawn, actor=actor, password=factories.PASSWORD, beacon="", secret="test-secret", now=utcnow()
        )

    outcomes = race(app, save, draw)
    quantity = db.session.get(Campaign, campaign_id).prizes[0].quantity
    winners_drawn = db.session.scalar(
        select(func.count()).select_from(DrawPick).join(Draw).where(DrawPick.role == "winner")
    )
    assert outcomes[1] == "done", outcomes
    assert winners_drawn == quantity, (outcomes, quantity, winners_drawn)
