"""An archived campaign's address, as a customer following an old link or a package's QR code sees it."""

import pytest
from sqlalchemy import func, select

from campaign.audit.services import Actor
from campaign.campaigns import services
from campaign.clock import utcnow
from campaign.extensions import db
from tests import factories
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


def test_a_form_left_open_and_sent_after_the_campaign_ended_leads_to_its_ended_page(page, live_server, app):
    """The entry form, open in a tab while the brand archived the campaign, then sent: the page's script
    showed "This campaign has ended." by the form, which stayed as it was, with no way to what stays public
    of the campaign. It now goes to the campaign's ended page; nothing is kept. Screenshots:
    /tmp/shots/customer/ended-after-sending-{ja,en}-{390,1366}.png"""
    from campaign.entries.models import Entry
    from tests.browser.test_submission_flow import fill_entry_form
    from tests.instant.helpers import instant_campaign

    campaign = instant_campaign(factories.org())
    for lang, heading in (("ja", "このキャンペーンは終了しました"), ("en", "This campaign has ended")):
        page.goto(f"{live_server.url}/lang/{lang}?next=/c/summer")
        fill_entry_form(page, factories.photo())
        services.archive(campaign, actor=Actor.system(), now=utcnow())
        db.session.commit()
        page.click("#submit-button")
        page.wait_for_selector("#campaign-ended")
        assert page.url == f"{live_server.url}/c/summer"
        assert page.locator("h1").inner_text() == heading
        assert page.locator("#ended-certificate").get_attribute("href") == "/c/summer/instant-win"
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            shot = f"/tmp/shots/customer/ended-after-sending-{lang}-{width}.png"
            page.screenshot(path=shot, full_page=True)
        services.unarchive(campaign, actor=Actor.system(), now=utcnow())
        db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0
    page.console_errors[:] = [e for e in page.console_errors if "410" not in e]  # Chromium logs the 410s
    assert page.console_errors == []
