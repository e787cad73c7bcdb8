"""Before approval the customer and the studio still see the photo, through expiring private URLs (Chromium).

Screenshots at 390 and 1366 px wide go to /tmp/shots/privacy/.
"""

from pathlib import Path

import pytest

from tests import factories
from tests.browser.one_database import ONE_DATABASE
from tests.browser.test_moderation_keys import log_in
from tests.moderation.conftest import make_team

pytestmark = [pytest.mark.browser, ONE_DATABASE]
SHOTS = Path("/tmp/shots/privacy")
WIDTHS = (390, 1366)


def loaded(page, selector: str) -> list[bool]:
    page.wait_for_load_state("load")
    return page.eval_on_selector_all(selector, "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)")


def shoot(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_status_page_and_queue_show_unapproved_photos_privately(page, live_server, app):
    team = make_team(app)
    _, status_url = team.entry(
        email="one@example.com", photo=factories.photo(800, 600, colour=(30, 140, 200))
    )
    team.entry(email="two@example.com", photo=factories.photo(600, 800, colour=(220, 120, 40)))
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + status_url)
        assert page.locator("img.thumb").get_attribute("src").startswith("/media/p/")
        assert loaded(page, "img.thumb") == [True]
        shoot(page, "status", width)
    log_in(page, live_server.url, "editor@example.com")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/studio/moderation/")
        page.wait_for_selector(".queue-item.current")
        for img in page.locator(".queue-item img").all():
            img.scroll_into_view_if_needed()  # lazy-loaded: each loads once it nears the viewport
        assert loaded(page, ".queue-item img") == [True, True]
        shoot(page, "queue", width)
    assert page.console_errors == [], page.console_errors
