"""The draw screen before the draw, in Chromium: who takes part, who is left out and why, the approved
duplicates called out above the table, and each reason's link to the moderation queue; it fits a phone and
axe finds nothing serious, in Japanese and English.

Screenshots: /tmp/shots/studio/draw-preview-{ja,en}-{390,1366}.png
"""

import pytest
from playwright.sync_api import expect

from tests.browser.shots import shoot
from tests.browser.test_accessibility import axe_source, check  # noqa: F401 (a fixture)
from tests.browser.test_moderation_keys import log_in
from tests.draws.test_draw_preview import _campaign_with_every_list_reason

pytestmark = pytest.mark.browser


def test_the_draw_screen_says_who_is_left_out_before_the_draw(page, live_server, app, client, axe_source):  # noqa: F811
    campaign, entries = _campaign_with_every_list_reason(client)
    log_in(page, live_server.url, "drawer@example.com")
    url = f"{live_server.url}/studio/campaigns/{campaign.public_id}/draw"
    shoot(page, url, "draw-preview", owner="studio")

    problems = []
    for lang, takes_part, warning in (
        ("ja", "抽選の対象は2件です。", "承認済みの応募1件は"),
        ("en", "2 entries take part in the draw.", "1 approved entry will not take part"),
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
