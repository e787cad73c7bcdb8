"""Winners' steps taken twice at the same moment, on PostgreSQL: made once (the pick is locked first)."""

import re

import pytest
from sqlalchemy import func, select

from campaign.audit.models import AuditEvent
from campaign.audit.services import Actor
from campaign.campaigns.services import PrizeData
from campaign.clock import utcnow
from campaign.draws import winners
from campaign.draws.models import Draw, DrawPick, PickState
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from tests import factories
from tests.conftest import csrf_from
from tests.draws.helpers import close, enter, launched_campaign, set_status, studio_setup
from tests.races import race

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
CODE_RE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b")


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
            post_url=f"https://x.com/p{n}/status/{n}",
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
