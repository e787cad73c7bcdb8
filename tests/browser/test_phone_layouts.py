"""Studio screens a marketer uses on a phone (390 px): nothing squeezed to a few characters a line, in real
headless Chromium; screenshots at 390 and 1366 px under /tmp/shots/walk-customer."""

import pytest

from campaign.campaigns.services import ProductData
from tests import factories
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in
from tests.draws.helpers import launched_campaign
from tests.draws.test_winners import drawn

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_draw_facts_and_product_rows_are_readable_on_a_phone(page, live_server, app):
    org = factories.org()
    factories.member(org, "owner@example.com")
    name = "デモ緑茶 500ml ペットボトル"
    campaign = launched_campaign(org, products=[ProductData(name=name, sku="DEMO-TEA-500")])
    log_in(page, live_server.url, "owner@example.com")

    draw_url = f"{live_server.url}/studio/campaigns/{campaign.public_id}/draw"
    page.goto(draw_url)
    page.set_viewport_size(PHONE)
    # the commitment (64 hex digits) took ten lines of six characters beside its label
    commitment = page.locator("dl.facts dd").first.bounding_box()
    assert commitment["width"] > 300, commitment
    shoot(page, draw_url, "draw-facts", owner="walk-customer")

    edit_url = f"{live_server.url}/studio/campaigns/{campaign.public_id}/edit"
    page.goto(edit_url)
    page.set_viewport_size(PHONE)
    # the product name got a quarter of the row: three characters of it were visible
    box = page.locator("input[name='products-0-name']").bounding_box()
    assert box["width"] > 300, box
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, edit_url, "edit-rows", owner="walk-customer")
    assert page.console_errors == [], page.console_errors


def test_the_draw_result_fits_a_phone(page, live_server, app, client, studio):
    """The frozen list's digest widened the page to 630 px; the picks table wrapped one character a line."""
    campaign, _ = drawn(client, studio, ["a@example.com", "b@example.com", "c@example.com"], quantity=2)
    log_in(page, live_server.url, "drawer@example.com")
    draw_url = f"{live_server.url}/studio/campaigns/{campaign.public_id}/draw"
    page.goto(draw_url)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    state = page.locator("table.picks tbody tr").first.locator("td").nth(4).bounding_box()
    assert state["width"] > 100, state  # "notified (waiting for the claim)" on a few lines, not ten
    shoot(page, draw_url, "draw-result", owner="walk-customer")
    assert page.console_errors == [], page.console_errors
