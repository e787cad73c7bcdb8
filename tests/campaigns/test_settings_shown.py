"""What a campaign's settings mean, shown where people look: the studio's campaign page says who approves
and how prizes are given; the public page speaks of a verifiable draw only when there are prizes."""

from campaign.orgs.models import Role
from tests import factories
from tests.conftest import Studio
from tests.draws.helpers import PRIZES, launched_campaign


def test_the_studio_page_says_who_approves_and_how_prizes_are_given(app):
    org = factories.org()
    factories.member(org, "owner@example.com", Role.OWNER)
    agency = launched_campaign(org, slug="agency", two_stage_approval=True, prizes=PRIZES)
    plain = launched_campaign(org, slug="plain", prizes=[])
    owner = Studio(app.test_client())
    owner.login("owner@example.com", factories.PASSWORD)
    page = owner.client.get(f"/studio/campaigns/{agency.public_id}?lang=en").text
    assert "The client's approver or an owner; editors recommend entries and ask for the launch" in page
    assert "A verifiable draw after the campaign closes" in page
    page = owner.client.get(f"/studio/campaigns/{plain.public_id}?lang=ja").text
    assert "オーナー・編集者・承認者" in page and "賞品なし" in page


def test_a_campaign_without_prizes_does_not_promise_a_draw(app, client):
    """A walk-through's find: a campaign with no prizes showed 「どなたでも検証できる抽選」."""
    org = factories.org()
    with_prizes = launched_campaign(org, slug="prizes", prizes=PRIZES)
    without = launched_campaign(org, slug="photos-only", prizes=[])
    assert "A draw anyone can verify" in client.get(f"/c/{with_prizes.slug}?lang=en").text
    page = client.get(f"/c/{without.slug}?lang=en").text
    assert "A draw anyone can verify" not in page and "winner message" not in page
