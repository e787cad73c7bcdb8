"""Rights requests in Chromium: the templates page, the queue with rights badges and bulk asking, the
requests to post by hand with their copy button, and the rights page: a yes clicked there waits for the
creator's reply (shown apart in the studio and on the entry page); a withdrawal and a no hold."""

import re

import pytest

from campaign.extensions import db
from campaign.rights.models import Proof, RightsState
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in
from tests.galleries.helpers import OWNER, make_brand
from tests.rights.helpers import add_templates, collected, request_for

pytestmark = pytest.mark.browser


def no_sideways_scroll(page) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_marketer_asks_from_the_queue_and_the_creator_grants_on_the_rights_page(
    page, live_server, app, client
):
    brand = make_brand(app, client, brand_handle="brand_a")
    add_templates(brand)
    brand.entry(caption="フォームから投稿しました")
    first = collected(brand, post_id="101", handle="sakura_tea", caption="夏のお茶、最高でした！ #summer_tea")
    second = collected(brand, post_id="102", handle="matcha_love", caption="抹茶ラテにしました #summer_tea")
    log_in(page, live_server.url, OWNER)
    shoot(page, f"{live_server.url}/studio/rights/templates", "rights-templates", owner="rights")
    no_sideways_scroll(page)
    page.goto(f"{live_server.url}/studio/rights/templates?lang=en")
    page.fill("#body", "no link here #yes_brand")
    page.fill("#hashtag", "yes_brand")
    with page.expect_navigation():
        page.click(".rights-add button[type=submit]")
    assert "Put {link} where" in page.content()
    page.screenshot(path="/tmp/shots/rights/rights-template-error-en-1366.png", full_page=True)
    page.console_errors.clear()  # that 400 was the refusal we asked for

    shoot(page, f"{live_server.url}/studio/moderation/", "rights-queue", owner="rights")
    no_sideways_scroll(page)
    page.goto(f"{live_server.url}/studio/moderation/?lang=en")
    page.check(f"#q-{first.public_id} input.select")
    page.check(f"#q-{second.public_id} input.select")
    with page.expect_navigation():
        page.click("text=Ask selected for rights")
    assert page.url.endswith("/studio/rights/")
    assert (
        request_for(first).state is RightsState.TO_SEND and request_for(second).state is RightsState.TO_SEND
    )
    shoot(page, f"{live_server.url}/studio/rights/", "rights-to-post", owner="rights")
    no_sideways_scroll(page)
    page.goto(f"{live_server.url}/studio/rights/?lang=en")
    assert page.console_errors == []
    request = request_for(first)
    with page.expect_navigation():
        page.locator(f"#r-{request.public_id}").get_by_role("button", name="Mark as sent").click()
    assert request_for(first).state is RightsState.REQUESTED
    shoot(page, f"{live_server.url}/studio/moderation/", "rights-queue-after", owner="rights")

    link = re.search(r"https?://\S+(/rights/\S+)", request_for(first).text).group(1)
    creator = page.context.browser.new_page()
    try:
        shoot(creator, f"{live_server.url}{link}", "rights-page", owner="rights")
        no_sideways_scroll(creator)
        creator.goto(f"{live_server.url}{link}?lang=ja")
        with creator.expect_navigation():
            creator.click("text=はい、許諾します")
        db.session.expire_all()
        assert (
            request_for(first).state is RightsState.GRANTED and request_for(first).proof is Proof.UNVERIFIED
        )
        creator.goto(f"{live_server.url}{link}?lang=ja")
        assert "返信を確認するまで、お写真はどこにも掲載しません" in creator.inner_text(".rights-status")
        shoot(creator, f"{live_server.url}{link}", "rights-page-unconfirmed", owner="rights")
        no_sideways_scroll(creator)
        # the studio shows the click apart from a grant: not green, not public
        page.goto(f"{live_server.url}/studio/rights/?state=unconfirmed&lang=ja")
        badge = page.locator(f"#r-{request.public_id} .rights-badge")
        assert badge.inner_text() == "許諾：ページで意思表示あり（本人確認待ち・非公開）"
        assert badge.evaluate("e => getComputedStyle(e).backgroundColor") != "rgb(220, 252, 231)"  # green
        shoot(
            page,
            f"{live_server.url}/studio/rights/?state=unconfirmed",
            "rights-list-unconfirmed",
            owner="rights",
        )
        no_sideways_scroll(page)
        shoot(
            page,
            f"{live_server.url}/studio/entries/{first.public_id}",
            "rights-entry-unconfirmed",
            owner="rights",
        )
        no_sideways_scroll(page)
        creator.goto(f"{live_server.url}{link}?lang=ja")
        with creator.expect_navigation():
            creator.click("text=許諾を取り消す")
        assert request_for(first).state is RightsState.WITHDRAWN
        assert creator.locator("text=はい、許諾します").count() == 0
        shoot(creator, f"{live_server.url}{link}", "rights-page-withdrawn", owner="rights")

        other = re.search(r"https?://\S+(/rights/\S+)", request_for(second).text).group(1)
        creator.goto(f"{live_server.url}{other}?lang=ja")
        with creator.expect_navigation():
            creator.click("text=お断りする")
        assert request_for(second).state is RightsState.DECLINED
        creator.goto(f"{live_server.url}{other}?lang=ja")
        text = creator.inner_text("main")
        assert "はい、許諾します" not in text and "いつでも取り消せます" not in text
        shoot(creator, f"{live_server.url}{other}", "rights-page-declined", owner="rights")
        no_sideways_scroll(creator)
    finally:
        creator.close()
