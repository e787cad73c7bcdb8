"""The intake's refusals as a customer sees them on a phone and a laptop: the wait after too many uploads,
and a photo that turned out to be damaged after it was received."""

from pathlib import Path

import pytest

from tests import factories
from tests.browser.one_database import ONE_DATABASE
from tests.browser.test_submission_flow import fill_entry_form
from tests.media.samples import encode, photo, shortened_vp8

pytestmark = [pytest.mark.browser, ONE_DATABASE]
SHOTS = Path("/tmp/shots/uploads")
WIDTHS = (390, 1366)


def new_page(browser, width: int, locale: str = "en-US"):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    return context, context.new_page()


def no_sideways_scroll(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths


@pytest.mark.parametrize("width", WIDTHS)
def test_too_many_uploads_say_how_long_to_wait_without_leaving_the_form(browser, live_server, app, width):
    factories.campaign(factories.org())
    app.config["UPLOAD_RATE_LIMIT"] = "1 per minute"
    context, page = new_page(browser, width)
    try:
        page.goto(f"{live_server.url}/c/summer")
        fill_entry_form(page, factories.photo())
        page.click("#submit-button")
        page.wait_for_url("**/s/*")
        page.goto(f"{live_server.url}/c/summer")
        fill_entry_form(page, factories.photo(colour=(10, 10, 200)))
        page.fill("#email", "yuki@example.com")
        page.click("#submit-button")
        page.wait_for_selector("#form-message:not([hidden])")
        message = page.locator("#form-message").inner_text()
        assert "Many photos have just been sent from your connection. Please try again in" in message
        assert page.url.endswith("/c/summer")
        assert page.locator("#progress").is_hidden()  # the upload ended: no bar stuck at 100%
        no_sideways_scroll(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"upload-429-{width}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_without_the_script_too_many_uploads_answer_with_the_brands_page(browser, live_server, app, width):
    """The form sent without the page's script (blocked, or an old phone): the brand's page again, saying
    the entry was not sent and when to send it, where it was Kuchikomi's bare error page."""
    factories.campaign(factories.org())
    app.config["UPLOAD_RATE_LIMIT"] = "1 per minute"
    context = browser.new_context(
        java_script_enabled=False, locale="ja-JP", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    try:
        for colour in ((200, 10, 10), (10, 10, 200)):
            # every request of the page answered before the form leaves it: a favicon cut off by the
            # navigation left the test server's file open once (a ResourceWarning in a full run)
            page.goto(f"{live_server.url}/c/summer", wait_until="networkidle")
            fill_entry_form(page, factories.photo(colour=colour))
            with page.expect_navigation():
                page.click("#submit-button")
            page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == "Summer photos"
        message = page.locator("#form-message").inner_text()
        assert "この応募は送信されていません" in message
        assert "後に、もう一度ご入力のうえ送信してください" in message
        assert page.locator("#entry-form").is_visible()
        no_sideways_scroll(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"upload-429-no-script-ja-{width}.png"), full_page=True)
    finally:
        context.close()
    english = browser.new_context(
        java_script_enabled=False, locale="en-US", viewport={"width": width, "height": 900}
    )
    page = english.new_page()
    try:  # the same address, still over its limit
        page.goto(f"{live_server.url}/c/summer", wait_until="networkidle")
        fill_entry_form(page, factories.photo(colour=(10, 200, 10)))
        with page.expect_navigation():
            page.click("#submit-button")
        page.wait_for_load_state("networkidle")
        assert "so this entry was not sent" in page.locator("#form-message").inner_text()
        no_sideways_scroll(page)
        page.screenshot(path=str(SHOTS / f"upload-429-no-script-en-{width}.png"), full_page=True)
    finally:
        english.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_status_page_tells_when_the_photo_could_not_be_read(browser, live_server, app, width):
    factories.campaign(factories.org())
    damaged = shortened_vp8(encode(photo(3, (320, 240)), "WEBP", quality=80))
    context, page = new_page(browser, width, locale="ja-JP")
    try:
        page.goto(f"{live_server.url}/c/summer")
        fill_entry_form(page, damaged)
        page.click("#submit-button")
        page.wait_for_url("**/s/*", timeout=30_000)
        notice = page.locator("#photo-problem").inner_text()
        assert "いったん取り下げてから" in notice
        no_sideways_scroll(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"status-photo-problem-{width}.png"), full_page=True)
    finally:
        context.close()
