"""The gallery editor in Chromium: a photo dragged into "pinned" is pinned, keys move a focused photo, copy
buttons copy the snippet and say so, the live preview shows the embed, and a phone never scrolls sideways.
Screenshots: /tmp/shots/studio/gallery-editor-{ja,en}-{390,1366}.png"""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from campaign.extensions import db
from campaign.galleries.models import Gallery
from tests import factories
from tests.browser.one_database import ONE_DATABASE
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in
from tests.galleries.helpers import OWNER, make_brand

pytestmark = [pytest.mark.browser, ONE_DATABASE]
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
LINES = "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length }"
COLOURS = [(200, 60, 40), (30, 140, 200), (60, 160, 90), (230, 180, 40), (120, 80, 170)]


def test_drag_keys_copy_and_preview_in_the_gallery_editor(page, live_server, app, client):
    brand = make_brand(app, client)
    made = [
        brand.approved(nickname=f"fan{n}", photo=factories.photo(640, 480, colour=colour))
        for n, colour in enumerate(COLOURS)
    ]
    gallery = brand.gallery()
    url = f"{live_server.url}/studio/galleries/{gallery.public_id}"
    log_in(page, live_server.url, OWNER)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/lang/ja?next=/studio/galleries/{gallery.public_id}")  # ja from here on

    # drag the oldest photo into the pinned zone: pinned, published, shown first
    with page.expect_navigation():
        page.drag_and_drop(f"#photo-{made[0].public_id}", "#board-pinned")
    db.session.refresh(gallery)
    assert gallery.pinned == [made[0].public_id]
    # keyboard: focus another photo, p pins it, Alt+ArrowUp moves it before the first
    page.focus(f"#photo-{made[3].public_id}")
    with page.expect_navigation():
        page.keyboard.press("p")
    assert page.evaluate("document.activeElement.id") == f"photo-{made[3].public_id}"  # focus comes back
    with page.expect_navigation():
        page.keyboard.press("Alt+ArrowUp")
    db.session.refresh(gallery)
    assert gallery.pinned == [made[3].public_id, made[0].public_id]
    assert page.locator("#board-pinned .board-card").evaluate_all("c => c.map(x => x.dataset.entry)") == [
        made[3].public_id,
        made[0].public_id,
    ]

    # copy: the snippet lands on the clipboard and the page says so
    page.click("button[data-copy=snippet-frame]")
    expect(page.locator("#copy-status")).to_have_text("コピーしました")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("<iframe src=") and f"/embed/g/{gallery.public_id}" in copied

    # the live preview is the real embed frame, showing the pinned photo first
    frame = page.frame_locator("#embed-preview")
    frame.locator("img").first.wait_for()
    assert frame.locator("img").count() == len(made)

    shoot(page, url, "gallery-editor", owner="studio")
    page.goto(f"{url}?lang=ja")  # the allowed sites say what an unlisted site misses: its counts
    described = page.get_attribute("textarea[name=allowed_origins]", "aria-describedby")
    hint = page.locator("#" + described.split()[0])
    assert "レポートで数えるのも、これらのサイトでの表示とクリックだけです" in hint.inner_text()
    page.set_viewport_size({"width": 390, "height": 900})
    for lang in ("ja", "en"):
        page.goto(f"{url}?lang={lang}")
        assert page.evaluate(SIDEWAYS) == 0
        # the long label beside it squeezed the script snippet's button to "コ / ピー" on two lines
        for button in page.locator("button.copy").all():
            lines = button.evaluate(LINES)
            assert lines == 1, (lang, button.get_attribute("data-copy"), lines)
    assert page.console_errors == [], page.console_errors


def test_the_minimum_rating_may_be_left_empty_and_says_what_it_hides(page, live_server, app, client):
    """An empty minimum is "no minimum" (it was refused with 「整数で入力してください」), and the form
    says that posts without a rating show only then. Screenshots: /tmp/shots/studio/gallery-new-*.png"""
    brand = make_brand(app, client)
    log_in(page, live_server.url, OWNER)
    shoot(page, f"{live_server.url}/studio/galleries/new", "gallery-new", owner="studio")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/studio/galleries/new?lang=ja")
    described = page.get_attribute("input[name=min_rating]", "aria-describedby")
    assert "評価のない投稿" in page.locator("#" + described).inner_text()
    assert page.input_value("input[name=min_rating]") == ""
    page.fill("input[name=name]", "夏の写真")
    with page.expect_navigation():
        page.click("form.gallery-settings > button.button")
    assert page.locator(".field-error").count() == 0
    db.session.expire_all()
    assert db.session.scalar(select(Gallery).where(Gallery.org_id == brand.org.id)).min_rating is None
    assert page.console_errors == []
