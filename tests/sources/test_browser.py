"""The Sources page and the queue in real Chromium: add a hashtag source, its posts arrive with badges."""

import pytest
from playwright.sync_api import expect

from campaign import jobs
from campaign.sources.poll import poll_source
from tests import factories
from tests.browser import test_accessibility as accessibility
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in

pytestmark = pytest.mark.browser
axe_source = accessibility.axe_source  # the fixture, for the expired connection's page


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


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_expired_connection_is_said_on_the_connection_and_sources_pages(
    page, live_server, app, brand, axe_source
):
    from campaign.extensions import db
    from campaign.sources.removal import recheck_all

    factories.member(brand.org, "owner@example.com")
    brand.hashtag_posts(brand.ig_post("1"))
    poll_source(brand.source("instagram_hashtag", "greentea").id)
    jobs.run_ready()
    from campaign.entries.models import Entry
    from tests.sources.test_entries_of_posts import _approve

    _approve(db.session.query(Entry).one())
    brand.state.expire_ig_token()
    recheck_all()
    db.session.commit()
    log_in(page, live_server.url, "owner@example.com")
    connectors_url = f"{live_server.url}/studio/connectors/"
    page.goto(f"{connectors_url}?lang=ja")
    assert page.locator("#instagram[data-connected=expired]").count() == 1
    assert page.locator("#x[data-connected=yes]").count() == 1
    notice = page.locator("#expired-instagram")
    assert "接続の有効期限が切れました。再連携してください。" in notice.inner_text()
    assert "連携済み" not in page.locator("#instagram dl").inner_text()
    page.click("#expired-instagram a")  # the notice's link leads to the form that reconnects
    expect(page.locator("#instagram-reconnect")).to_be_in_viewport()
    assert page.locator("#instagram-reconnect legend").inner_text() == "新しいトークンで再連携"
    assert page.console_errors == []
    shoot(page, connectors_url, "connection-expired", owner="social-expiry")
    for lang in ("ja", "en"):
        page.goto(f"{connectors_url}?lang={lang}")
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            assert accessibility.check(page, axe_source, f"connectors {lang} {width}", width) == []
    sources_url = f"{live_server.url}/studio/campaigns/{brand.campaign.public_id}/sources/"
    page.goto(f"{sources_url}?lang=en")
    unchecked = page.locator(".source-unchecked").inner_text()
    assert "Deletions are not being checked" in unchecked and "1 approved post of this source" in unchecked
    assert page.locator("#expired-instagram a[href$='#instagram-reconnect']").count() == 1
    shoot(page, sources_url, "sources-expired", owner="social-expiry")
    no_sideways_scroll(page, sources_url)
