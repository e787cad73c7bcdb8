"""The Sources page and the queue in real Chromium: add a hashtag source, its posts arrive with badges."""

import pytest

from campaign import jobs
from campaign.sources.poll import poll_source
from tests import factories
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in

pytestmark = pytest.mark.browser


def no_sideways_scroll(page, url: str) -> None:
    for lang in ("ja", "en"):
        page.goto(f"{url}?lang={lang}")
        page.set_viewport_size({"width": 390, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, (url, lang)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_marketer_adds_a_hashtag_source_and_reviews_what_it_collected(page, live_server, app, brand):
    factories.member(brand.org, "owner@example.com")
    log_in(page, live_server.url, "owner@example.com")
    page.goto(f"{live_server.url}/studio/campaigns/{brand.campaign.public_id}")
    with page.expect_navigation():
        page.click(f"a[href$='/campaigns/{brand.campaign.public_id}/sources/']")
    page.select_option("#kind", "instagram_hashtag")
    page.fill("#query", "#greentea")
    with page.expect_navigation():
        page.click("text=Add the source")
    assert page.locator(".source-card").count() == 1
    bad = brand.ig_post("3")
    bad["media_url"] = brand.photo_url("bad", b"<html>log in</html>", "text/html")
    brand.hashtag_posts(brand.ig_post("1"), brand.ig_post("2", media_type="VIDEO"), bad)
    brand.tweet("1001", author="hanako_tea")
    from campaign.sources import services

    source_id = services.sources_of(brand.campaign)[0].id
    poll_source(source_id)
    poll_source(brand.source("x_search").id)
    jobs.run_ready()
    sources_url = f"{live_server.url}/studio/campaigns/{brand.campaign.public_id}/sources/"
    page.goto(sources_url)
    assert page.locator(".source-error").count() == 1 and page.locator(".source-card").count() == 2
    assert page.console_errors == []
    shoot(page, sources_url, "sources", owner="collect")
    no_sideways_scroll(page, sources_url)
    queue_url = f"{live_server.url}/studio/moderation/campaigns/{brand.campaign.public_id}"
    page.goto(queue_url)
    assert page.locator(".entry-source .badge").count() == 2
    shoot(page, queue_url, "queue-sources", owner="collect")
    no_sideways_scroll(page, queue_url)
