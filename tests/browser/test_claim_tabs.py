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
        if name == "prefecture":  # picked from the 47, not typed
            page.select_option("select[name='prefecture']", value)
        else:
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


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_winner_types_the_address_in_full_width_on_a_phone(page, live_server, app, client, studio):
    """What a Japanese phone keyboard gives (full-width digits, ー for a hyphen) is accepted; a phone number
    in letters is refused with what to type. Screenshots of the form and its refusal, 390 and 1366 px."""
    from tests.browser.shots import shoot

    _, draw = drawn(client, studio, ["a@example.com", "b@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    url = f"{live_server.url}/claim/{winners.claim_token(app.secret_key, winner)}"
    shoot(page, url, "form", owner="claim")
    assert page.locator("input[name=phone]").get_attribute("type") == "tel"
    page.goto(f"{url}?lang=ja")
    page.set_viewport_size({"width": 390, "height": 844})
    fill(page, "1-2-3")
    page.fill("input[name=postal_code]", "１５０ー０００１")
    page.fill("input[name=phone]", "でんわ")
    with page.expect_navigation():
        page.click("form button")
    assert "090-1234-5678 のように数字で" in page.locator("#phone-error").inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"  # read out first, links to the field
    assert page.locator("#postal_code-error").count() == 0
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / "claim" / f"phone-refused-ja-{width}.png"), full_page=True)
    page.fill("input[name=phone]", "０９０ー１２３４ー５６７８")
    with page.expect_navigation():
        page.click("form button")
    db.session.refresh(winner)
    address = winners.address_of(winner, app.secret_key)
    assert address["postal_code"] == "150-0001" and address["phone"] == "090-1234-5678"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_draw_screen_with_a_prize_too_few_entries_could_fill(page, live_server, app, client, studio):
    """Screenshots of the draw screen's shortfall notice, 390 and 1366 px, ja and en."""
    from campaign.campaigns.settings import PrizeData
    from tests.browser.shots import shoot
    from tests.browser.test_moderation_keys import log_in

    prizes = [
        PrizeData(name="Tea for a year", quantity=2, value_jpy=30000),
        PrizeData(name="Mug", quantity=3),
    ]
    # 4 people for 5 winners: every prize's winners come first (kuchikomi-draw-v2), so the mugs get 2 of 3
    campaign, _ = drawn(client, studio, [f"p{n}@example.com" for n in range(4)], prizes=prizes)
    log_in(page, live_server.url, "drawer@example.com")
    shoot(
        page, f"{live_server.url}/studio/campaigns/{campaign.public_id}/draw", "draw-shortfall", owner="claim"
    )
    assert "Mug: 2 of 3 winners drawn" in page.locator("#draw-shortfall").inner_text()
