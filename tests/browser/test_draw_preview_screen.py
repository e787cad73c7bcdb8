"""The draw screen before the draw, in Chromium: who takes part, who is left out and why, the approved
duplicates called out above the table, and each reason's link to the moderation queue; it fits a phone and
axe finds nothing serious, in Japanese and English.

Screenshots: /tmp/shots/studio/draw-preview-{ja,en}-{390,1366}.png
"""

import pytest
from playwright.sync_api import expect

from tests.browser.one_database import ONE_DATABASE
from tests.browser.shots import shoot
from tests.browser.test_accessibility import axe_source, check  # noqa: F401 (a fixture)
from tests.browser.test_moderation_keys import log_in
from tests.draws.test_draw_preview import _campaign_with_every_list_reason

pytestmark = [pytest.mark.browser, ONE_DATABASE]


def test_the_draw_screen_says_who_is_left_out_before_the_draw(page, live_server, app, client, axe_source):  # noqa: F811
    campaign, entries = _campaign_with_every_list_reason(client)
    log_in(page, live_server.url, "drawer@example.com")
    url = f"{live_server.url}/studio/campaigns/{campaign.public_id}/draw"
    shoot(page, url, "draw-preview", owner="studio")

    problems = []
    for lang, takes_part, warning in (
        ("ja", "抽選の対象は2件です。", "1件の応募が、以前の応募と写真が重複しているという理由だけで"),
        ("en", "2 entries take part in the draw.", "1 entry is left out only because its photo matches"),
    ):
        page.goto(f"{url}?lang={lang}")
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            expect(page.locator("#draw-preview .draw-preview-count")).to_have_text(takes_part)
            notice = page.locator("#draw-approved-duplicates")
            expect(notice).to_be_visible()
            expect(notice).to_contain_text(warning)
            # the warning comes before the table of reasons, and both before the draw button
            assert notice.bounding_box()["y"] < page.locator(".draw-preview-reasons").bounding_box()["y"]
            assert (
                page.locator(".draw-preview-reasons").bounding_box()["y"]
                < page.get_by_role(
                    "button", name="今すぐ抽選する" if lang == "ja" else "Draw now"
                ).bounding_box()["y"]
            )
            problems += check(page, axe_source, f"{lang} {width} draw preview", width)
    assert problems == []

    page.goto(f"{url}?lang=en")
    page.locator("#draw-approved-duplicates a").click()
    expect(page.locator(f"a[href$='/studio/entries/{entries['dup'].public_id}']").first).to_be_visible()
    expect(page.locator(f"a[href$='/studio/entries/{entries['a'].public_id}']")).to_have_count(0)
    expect(page.locator("select[name=left_out]")).to_have_value("duplicate_photo")


def test_a_wrong_duplicate_mark_is_cleared_on_the_entry_page_before_the_draw(page, live_server, app, client):
    """The draw screen sends the marketer to the entry; its page clears the mark with the reason, and the
    draw screen then counts the entry in (screenshots: /tmp/shots/studio/not-duplicate-*)."""
    campaign, entries = _campaign_with_every_list_reason(client)
    log_in(page, live_server.url, "drawer@example.com")
    entry_url = f"{live_server.url}/studio/entries/{entries['dup'].public_id}"
    shoot(page, entry_url, "not-duplicate", owner="studio")
    page.context.add_cookies([{"name": "lang", "value": "ja", "url": live_server.url}])
    page.goto(entry_url)
    form = page.locator("#not-duplicate")
    expect(form).to_contain_text("抽選の対象外です")
    page.fill("#note-not_duplicate", "別の日に撮られた別の方の写真です")
    with page.expect_navigation():
        form.get_by_role("button", name="重複ではない").click()
    expect(page.locator(".flashes")).to_contain_text("重複の判定を解除しました")
    expect(page.locator("#not-duplicate")).to_have_count(0)
    page.goto(f"{live_server.url}/studio/campaigns/{campaign.public_id}/draw")
    expect(page.locator("#draw-preview .draw-preview-count")).to_have_text("抽選の対象は3件です。")
    expect(page.locator("#draw-approved-duplicates")).to_have_count(0)
    assert page.console_errors == []
