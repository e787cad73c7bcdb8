"""Studio screens a marketer uses on a phone (390 px): nothing squeezed to a few characters a line, in real
headless Chromium; screenshots at 390 and 1366 px under /tmp/shots/walk-customer."""

import pytest

from campaign.campaigns.settings import ProductData
from tests import factories
from tests.browser.one_database import ONE_DATABASE
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in
from tests.draws.helpers import launched_campaign
from tests.draws.test_winners import drawn

pytestmark = [pytest.mark.browser, ONE_DATABASE]
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


@pytest.mark.parametrize("org_name", ["みどり茶園 オンラインストア", "茶園"], ids=["long-name", "short-name"])
def test_the_studio_header_takes_two_lines_at_1366(page, live_server, app, org_name):
    """An owner's menu (every link), the organisation, the account links and the language switch took three
    lines at 1366 px in English (the brand alone, the menu and account, the language switch alone); with a
    short organisation name in Japanese, the language switch sat alone at the left of the second line. Now
    the menu sits beside the brand, and the account links end with the language switch, on the right."""
    org = factories.org("brand-a", org_name)
    factories.member(org, "owner@example.com")
    factories.campaign(org)
    log_in(page, live_server.url, "owner@example.com")
    page.set_viewport_size({"width": 1366, "height": 900})
    for lang in ("en", "ja"):
        page.goto(f"{live_server.url}/lang/{lang}?next=/studio/")
        parts = (".brand", ".nav-links", ".nav-account", ".org-name", ".lang")
        brand, links, account, org_box, switch = (page.locator(part).bounding_box() for part in parts)
        assert page.locator(".lang").count() == 1
        assert page.locator(".nav-links li").count() == 10  # every link an owner has
        assert links["y"] < brand["y"] + brand["height"], (lang, brand, links)  # beside the brand
        middle = switch["y"] + switch["height"] / 2
        assert org_box["y"] <= middle <= org_box["y"] + org_box["height"], (lang, org_box, switch)  # one line
        assert switch["x"] > org_box["x"] + org_box["width"], (lang, org_box, switch)  # after the account
        right = account["x"] + account["width"]
        assert right > 1366 - 64 and switch["x"] + switch["width"] <= right + 1, (lang, account, switch)
        assert account["y"] < links["y"] + 2 * links["height"], (lang, links, account)  # no third line
        page.screenshot(path=f"/tmp/shots/walk-customer/studio-header-{lang}-1366-{len(org_name)}.png")
    for width in (390, 800, 1024):  # a phone's menu; a tablet's header wraps the menu, never overlaps it
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"/tmp/shots/walk-customer/studio-header-ja-{width}-{len(org_name)}.png")
        header, main = page.locator("header.bar").bounding_box(), page.locator("main").bounding_box()
        assert header["y"] + header["height"] <= main["y"], (width, header, main)
    page.goto(f"{live_server.url}/lang/en?next=/studio/")  # the phone in English too
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=f"/tmp/shots/walk-customer/studio-header-en-390-{len(org_name)}.png")
