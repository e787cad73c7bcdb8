"""An archived campaign's address, as a customer following an old link or a package's QR code sees it."""

import pytest

from campaign.audit.services import Actor
from campaign.campaigns import services
from campaign.clock import utcnow
from campaign.extensions import db
from tests.browser.shots import shoot
from tests.draws.test_winners import drawn

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_archived_campaign_says_it_has_ended_with_its_draw(page, live_server, app, client, studio):
    campaign, draw = drawn(client, studio, ["a@example.com", "b@example.com"])
    services.archive(campaign, actor=Actor.system(), now=utcnow())
    db.session.commit()

    shoot(page, f"{live_server.url}/c/{campaign.slug}", "campaign-ended", owner="customer")
    assert page.locator("h1").inner_text() == "This campaign has ended"  # the last shot is in English
    assert page.locator(".brand-mark").inner_text() == campaign.organisation.name
    page.click("#ended-certificate")
    assert page.url.endswith(f"/draws/{draw.public_id}")
    page.goto(f"{live_server.url}/c/{campaign.slug}?lang=ja")
    assert page.locator("h1").inner_text() == "このキャンペーンは終了しました"
    page.click("#ended-check")
    assert page.url.endswith(f"/c/{campaign.slug}/check")
    page.console_errors[:] = [e for e in page.console_errors if "410" not in e]  # Chromium logs the 410
    assert page.console_errors == []
