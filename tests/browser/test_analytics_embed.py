"""A brand's shop on another site embeds the gallery: a person scrolls to it, opens a photo, clicks the
product link and buys. The report then shows exactly that, and neither site has a cookie. And the
lightbox itself: a portrait photo stays portrait, targets are 44 px or more, focus is trapped and
returned, and a swipe moves on a phone."""

import time

import pytest

from campaign.analytics.buffer import get_buffer
from campaign.extensions import db
from tests import factories
from tests.analytics.helpers import settle
from tests.browser.shots import shoot
from tests.browser.test_gallery_embed import OtherOrigin
from tests.browser.waits import images_loaded
from tests.galleries.helpers import make_brand

pytestmark = pytest.mark.browser
CHROME_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


def Shop() -> OtherOrigin:  # noqa: N802 (reads as the class it stands for)
    """The brand's own site, on http://localhost:<port>: another site than the app's 127.0.0.1."""
    return OtherOrigin(host="localhost")


def shop_pages(app_url: str, gallery_id: str) -> dict[str, str]:
    script = f'<script src="{app_url}/static/embed/embed.js"></script>'
    head = (
        '<!doctype html><html lang="ja"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width">'
    )
    return {
        "/": f"""{head}<title>緑茶</title></head><body><h1>緑茶</h1>
<div style="height:1600px">春に摘んだ一番茶です。</div>
<h2>お客様の写真</h2>
<div data-kuchikomi-gallery="{app_url}/api/v1/galleries/{gallery_id}"></div>
<div style="height:400px"></div>{script}</body></html>""",
        "/tea": f"{head}<title>商品</title></head><body><h1>緑茶 100g</h1>{script}</body></html>",
        "/thanks": f"""{head}<title>ご注文ありがとうございました</title></head><body>
<h1>ありがとうございました</h1>
{script}<script>window.sent = Kuchikomi.conversion({{orderId: "T-1001", value: 4980, currency: "JPY",
products: ["TEA-1"]}});</script></body></html>""",
    }


def wait_for_beacons(app, *kinds: str) -> None:
    """Until the buffer holds a row of each of these kinds (a count of rows is not enough: an impression
    brings a row per photo seen, so the rows before the conversion already make any small count)."""
    buffer = get_buffer(app)
    for _ in range(100):
        if set(kinds) <= {row["kind"] for item in buffer.items for row in item.rows}:
            return
        time.sleep(0.1)
    raise AssertionError(f"expected rows of kinds {kinds}, got {[i.rows for i in buffer.items]}")


def setup_shop(app, client, live_server, shop, *, portrait: bool = False):
    brand = make_brand(app, client)
    size = {"photo": factories.photo(600, 900)} if portrait else {}
    brand.approved(caption="朝の一杯", nickname="はると")
    photo = brand.approved(caption="春の一番茶、香りが最高です", nickname="さくら", **size)  # newest: first
    product = brand.campaign.products[0]
    product.url = f"{shop.url}/tea"
    db.session.commit()
    gallery = brand.gallery(allowed_origins=shop.url)
    app.config["PUBLIC_BASE_URL"] = live_server.url
    shop.pages = shop_pages(live_server.url, gallery.public_id)
    return brand, gallery, photo


def test_a_sale_on_another_site_is_reported_without_cookies(browser, app, client, live_server):
    shop = Shop()
    try:
        brand, gallery, _photo = setup_shop(app, client, live_server, shop)
        context = browser.new_context(
            locale="ja-JP", viewport={"width": 1280, "height": 800}, user_agent=CHROME_UA
        )
        page = context.new_page()
        page.goto(f"{shop.url}/")
        first = page.locator("button.kk-o").first
        first.wait_for()
        page.mouse.move(200, 200)
        page.mouse.wheel(0, 1500)  # a person scrolls the gallery into view
        first.scroll_into_view_if_needed()
        page.wait_for_timeout(1500)  # at least half in view for one second
        first.click()  # the lightbox: one interaction
        link = page.locator("dialog.kk-d a.kk-p")
        assert link.is_visible()
        with page.expect_navigation():
            link.click()  # the product link: one click
        assert page.url == f"{shop.url}/tea"
        page.goto(f"{shop.url}/thanks")
        assert page.evaluate("window.sent") is True
        wait_for_beacons(app, "impression", "interaction", "click", "conversion")
        assert context.cookies() == []  # neither the shop nor the app set one
        context.close()
        settle(app)
        report = brand.studio.client.get("/studio/analytics/?lang=en").text
        row = report.split(f'data-gallery="{gallery.public_id}"')[1].split("</tr>")[0]
        assert 'data-n="impressions" data-label="Impressions">1</td>' in row
        assert 'data-label="Interaction rate (interactions)">100.0% <small>(1)</small></td>' in row
        assert 'data-n="clicks" data-label="Clicks">1</td>' in row
        assert 'data-label="Conversions (click / view)">1 / 0</td>' in row and "¥4,980" in row
    finally:
        shop.close()


def test_the_lightbox_on_a_phone(browser, app, client, live_server):
    shop = Shop()
    try:
        setup_shop(app, client, live_server, shop, portrait=True)
        context = browser.new_context(
            locale="ja-JP",
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
            user_agent=CHROME_UA,
        )
        page = context.new_page()
        page.goto(f"{shop.url}/")
        first = page.locator("button.kk-o").first
        first.scroll_into_view_if_needed()
        first.click()
        dialog = page.locator("dialog.kk-d")
        dialog.wait_for()
        image = dialog.locator("img")
        images_loaded(image)
        box = image.bounding_box()
        assert box["height"] > box["width"] * 1.4  # 600 × 900 stays portrait (1.5), never a landscape box
        assert box["width"] <= 390
        for target in dialog.locator("button:visible, a.kk-p:visible").all():
            size = target.bounding_box()
            assert size["width"] >= 44 and size["height"] >= 44, target.inner_text()
        shot_dir = "analytics"
        page.screenshot(path=f"/tmp/shots/{shot_dir}/lightbox-ja-390.png")  # the portrait photo
        assert page.evaluate("document.activeElement.className") == "kk-close"
        for _ in range(6):  # Tab goes round inside the dialog, never out of it
            page.keyboard.press("Tab")
            assert page.evaluate("!!document.activeElement.closest('dialog.kk-d')")
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("!!document.activeElement.closest('dialog.kk-d')")
        count = dialog.locator(".kk-n")
        before = count.inner_text()
        centre = image.bounding_box()
        y = centre["y"] + centre["height"] / 2
        page.evaluate(
            """([x0, x1, y]) => {
              const target = document.querySelector('dialog.kk-d .kk-ph');
              const touch = (x) => new Touch({identifier: 1, target, clientX: x, clientY: y});
              const fire = (type, list, x) =>
                target.dispatchEvent(
                  new TouchEvent(type, {touches: list, changedTouches: [touch(x)], bubbles: true}));
              fire('touchstart', [touch(x0)], x0);
              fire('touchend', [], x1);
            }""",
            [300, 100, y],
        )
        assert count.inner_text() != before  # swiped to the next photo
        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement.className") == "kk-o"  # focus back on the photo opened
        page.set_viewport_size({"width": 1366, "height": 900})
        first.click()
        dialog.wait_for()
        page.wait_for_timeout(300)
        page.screenshot(path=f"/tmp/shots/{shot_dir}/lightbox-ja-1366.png")
        box = dialog.locator("img").bounding_box()
        assert box["height"] > box["width"] * 1.4
        context.close()
        english = browser.new_context(
            locale="en-US", viewport={"width": 390, "height": 844}, user_agent=CHROME_UA
        )
        page = english.new_page()
        page.goto(f"{shop.url}/")
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 844})
            page.locator("button.kk-o").first.click()
            page.locator("dialog.kk-d").wait_for()
            assert page.locator("dialog.kk-d a.kk-p").inner_text().startswith("See this product")
            images_loaded(page.locator("dialog.kk-d img"))
            page.screenshot(path=f"/tmp/shots/{shot_dir}/lightbox-en-{width}.png")
            page.keyboard.press("Escape")
        english.close()
    finally:
        shop.close()


def test_report_and_notice_screens(page, app, client, live_server):
    shop = Shop()
    try:
        brand, gallery, photo = setup_shop(app, client, live_server, shop)
        from tests.analytics.helpers import beacon, conversion, embed

        erased = brand.approved(caption="Seen, then erased at the customer's request")
        for _ in range(3):
            beacon(
                client,
                embed(gallery.public_id, {"k": "impression", "ps": [photo.public_id, erased.public_id]}),
                origin=shop.url,
            )
        beacon(client, embed(gallery.public_id, {"k": "interaction", "p": photo.public_id}), origin=shop.url)
        touch = [{"g": gallery.public_id, "p": photo.public_id, "pr": "", "c": 0, "a": 10}]
        beacon(client, conversion("S-1", 2980, touch), origin=shop.url)
        settle(app)
        from campaign.audit.services import Actor
        from campaign.clock import utcnow
        from campaign.privacy.erasure import erase_entry

        erase_entry(erased, actor=Actor.system(), now=utcnow())
        db.session.commit()
        page.goto(f"{live_server.url}/login")
        page.fill("input[name=email]", "owner@example.com")
        page.fill("input[name=password]", factories.PASSWORD)
        page.locator("form button[type=submit], form input[type=submit]").first.click()
        page.wait_for_load_state()
        shoot(page, f"{live_server.url}/studio/analytics/", "report", owner="analytics")
        # The top photo's private thumbnail loads (a public link broke once the photo was taken down).
        thumb = page.locator(f'[data-photo="{photo.public_id}"] img')
        thumb.scroll_into_view_if_needed()
        thumb.evaluate("img => img.decode()")  # rejects when the image cannot be loaded
        assert "Personal data erased" in page.locator(f'[data-photo="{erased.public_id}"]').inner_text()
        assert page.evaluate("document.getElementById('analytics-per-day').dataset.drawn") == "true"
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.reload()  # the chart sizes itself to the page it loads in
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        shoot(page, f"{live_server.url}/studio/analytics/privacy", "privacy", owner="analytics")
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.reload()  # the chart sizes itself to the page it loads in
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.console_errors == []
    finally:
        shop.close()
