"""A winner who sends the claim form from two tabs is told that the second address was not saved."""

import pytest
from playwright.sync_api import Page

from campaign.draws import winners
from campaign.extensions import db
from tests.browser.shots import SHOTS
from tests.draws.test_winners import ADDRESS, drawn

pytestmark = pytest.mark.browser


def fill(page: Page, street: str) -> None:
    for name, value in {**ADDRESS, "street": street}.items():
        page.fill(f"input[name='{name}']", value)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_second_tabs_address_is_refused_with_a_message(
    page, live_server, app, client, studio, smtp_server
):
    _, draw = drawn(client, studio, ["a@example.com", "b@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    url = f"{live_server.url}/claim/{winners.claim_token(app.secret_key, winner)}"
    page.context.add_cookies([{"name": "lang", "value": "ja", "url": live_server.url}])
    second = page.context.new_page()
    page.goto(url)
    second.goto(url)
    fill(page, "1-2-3")
    with page.expect_navigation():
        page.click("form button")
    fill(second, "9-9-9")
    with second.expect_navigation():
        second.click("form button")
    notice = second.locator("[role=alert]").inner_text()
    assert "保存されていません" in notice
    (SHOTS / "claim").mkdir(parents=True, exist_ok=True)
    for width in (390, 1366):
        second.set_viewport_size({"width": width, "height": 900})
        second.screenshot(path=str(SHOTS / "claim" / f"second-tab-ja-{width}.png"), full_page=True)
    db.session.refresh(winner)
    assert winners.address_of(winner, app.secret_key)["street"] == "1-2-3"
