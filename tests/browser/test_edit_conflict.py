"""Two members edit one campaign in Chromium: the later save is refused, saying who saved and when."""

import pytest

from campaign.extensions import db
from tests.browser.shots import SHOTS
from tests.browser.test_moderation_keys import log_in
from tests.moderation.conftest import make_team

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_later_of_two_saves_is_refused_on_the_form(browser, live_server, app):
    team = make_team(app)
    url = f"{live_server.url}/studio/campaigns/{team.campaign.public_id}/edit"
    folder = SHOTS / "campaigns"
    folder.mkdir(parents=True, exist_ok=True)
    for lang in ("ja", "en"):
        first, second = (browser.new_context(viewport={"width": 1366, "height": 900}) for _ in range(2))
        for context in (first, second):
            context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])
        owner, editor = first.new_page(), second.new_page()
        log_in(owner, live_server.url, "owner@example.com")
        log_in(editor, live_server.url, "editor@example.com")
        owner.goto(url)  # tab A opens the form first
        editor.goto(url)
        editor.fill("#title", f"B's title {lang}")
        with editor.expect_navigation():
            editor.click("form button[type=submit]")
        owner.fill("#description_en", "A's description")
        with owner.expect_navigation():
            owner.click("form button[type=submit]")
        summary = owner.locator("[data-error-summary]").inner_text()
        assert "editor@example.com" in summary
        assert owner.locator("#description_en").input_value() == "A's description"
        for width in (390, 1366):
            owner.set_viewport_size({"width": width, "height": 900})
            owner.screenshot(path=str(folder / f"edit-conflict-{lang}-{width}.png"))
        first.close()
        second.close()
    db.session.refresh(team.campaign)
    assert team.campaign.title == "B's title en" and team.campaign.description_en != "A's description"
