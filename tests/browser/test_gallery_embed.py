"""A product page on another origin embeds the gallery: photos show, nothing shifts, no caption runs."""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from campaign.galleries import snapshots
from campaign.storage import get_storage
from tests.browser.one_database import ONE_DATABASE
from tests.browser.waits import images_loaded, until
from tests.fixtures.live_server import ServedInThread
from tests.galleries.helpers import make_brand

pytestmark = [pytest.mark.browser, ONE_DATABASE]

HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'

# Installed before any page script: sums every layout shift (as CLS does) from the first paint on.
MEASURE_CLS = """
window.__cls = 0; window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) { window.__cls += entry.value; window.__shifts.push(entry.value); }
  }
}).observe({type: 'layout-shift', buffered: true});
"""


class OtherOrigin(ServedInThread):
    """A plain web server on its own loopback port serving one product page (`html`, at any path), or
    `pages` by path; `host` names it (localhost is another site than the app's 127.0.0.1)."""

    def __init__(self, host: str = "127.0.0.1"):
        self.html = ""
        self.pages: dict[str, str] = {}
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = origin.pages.get(self.path.split("?")[0], origin.html).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://{host}:{self.port}"
        self.start()


def product_page(app_url: str, gallery_id: str, with_frame: bool, lang: str = "ja") -> str:
    frame = (
        f'<iframe id="frame" src="{app_url}/embed/g/{gallery_id}" width="360" height="400" '
        'title="Customer photos" style="border:0"></iframe>'
        if with_frame
        else ""
    )
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Green tea</title></head>
<body><h1>Green tea</h1><p>Our best tea, picked in spring.</p>
{frame}
<h2>Customer photos</h2>
<div data-kuchikomi-gallery="{app_url}/snapshots/g/{gallery_id}/gallery.json"></div>
<script async src="{app_url}/static/embed/embed.js"></script>
</body></html>"""


def test_embedded_gallery_on_another_origin(page, live_server, app, client):
    brand = make_brand(app, client)
    brand.approved(caption="Lovely tea", nickname="sakura")
    brand.approved(caption=HOSTILE, nickname="mallory")
    other = OtherOrigin()  # its origin is the one allowed to embed
    gallery = brand.gallery(allowed_origins=other.url)
    app.config["PUBLIC_BASE_URL"] = live_server.url
    snapshots.rebuild([gallery.id])  # as the job does, with the live server's public address
    other.html = product_page(live_server.url, gallery.public_id, with_frame=False)
    try:
        page.add_init_script(MEASURE_CLS)
        page.goto(other.url + "/")
        page.wait_for_selector(".kk-g li img", state="attached")
        images_loaded(page.locator(".kk-g img"))
        assert page.locator(".kk-g li").count() == 2
        assert page.locator(".kk-g .kk-c", has_text=HOSTILE).count() == 1  # shown as text
        # each photo's name says its rating in words (a screen reader read five star glyphs one by one)
        spoken = page.locator(".kk-g button.kk-o", has_text="Lovely tea").get_attribute("aria-label")
        assert spoken == "星5つ中5つ、sakura。Lovely tea" and "★" not in spoken  # as Japanese punctuates
        label = json.loads(get_storage().get(snapshots.snapshot_key(gallery, "gallery.json")))["label"]
        assert label and page.locator(".kk-g .kk-l").inner_text() == label  # labelled: stealth-marketing rule
        sources = page.eval_on_selector_all(
            ".kk-g picture source", "s => s.map(x => x.type + ' ' + x.srcset)"
        )
        assert sources and all(s.startswith("image/webp http://127.0.0.1:") for s in sources)
        page.wait_for_timeout(300)
        assert page.evaluate("window.pwned") is None
        assert page.evaluate("window.__cls") == 0, page.evaluate("window.__shifts")

        # Keyboard: Tab to the first photo, Enter opens the lightbox, arrows move, Escape closes.
        first = page.locator(".kk-g button.kk-o").first
        first.focus()
        page.keyboard.press("Enter")
        dialog = page.locator("dialog.kk-d")
        assert dialog.evaluate("d => d.open") is True
        words = json.loads(get_storage().get(snapshots.snapshot_key(gallery, "gallery.json")))["labels"]
        assert (
            page.evaluate("document.activeElement.getAttribute('aria-label')") == words["close"] == "閉じる"
        )
        from tests.browser.shots import SHOTS

        (SHOTS / "galleries").mkdir(parents=True, exist_ok=True)
        for width in (390, 1366):  # the opened photo on the brand's page
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SHOTS / "galleries" / f"embed-open-{width}.png"))
        read = dialog.locator(".kk-c .kk-sr").text_content()  # the opened photo's rating, in words too
        assert read.startswith("星5つ中") and dialog.locator(
            ".kk-c [aria-hidden=true]"
        ).text_content().startswith("★")
        before = dialog.locator(".kk-c").inner_text()
        page.keyboard.press("ArrowRight")
        assert dialog.locator(".kk-c").inner_text() != before
        page.keyboard.press("Escape")
        assert dialog.evaluate("d => d.open") is False
        assert page.evaluate("document.activeElement.classList.contains('kk-o')")
        assert page.evaluate("window.pwned") is None

        # On an English page the script embed speaks English, as the iframe beside it does (it spoke the
        # gallery's default language there: a walk-through's find)
        other.html = product_page(live_server.url, gallery.public_id, with_frame=False, lang="en")
        page.goto(other.url + "/en")
        page.wait_for_selector(".kk-g li img", state="attached")
        spoken = page.locator(".kk-g button.kk-o", has_text="Lovely tea").get_attribute("aria-label")
        assert spoken == "5 out of 5 stars, sakura. Lovely tea"
        label = "Photos posted by customers as part of a campaign (incentivised)."
        assert page.locator(".kk-g .kk-l").inner_text() == label
        assert page.console_errors == []
    finally:
        other.close()


def test_the_iframe_shows_on_an_allowed_origin(page, live_server, app, client):
    brand = make_brand(app, client)
    brand.approved(caption=HOSTILE)
    other = OtherOrigin()
    gallery = brand.gallery(allowed_origins=other.url)
    other.html = product_page(live_server.url, gallery.public_id, with_frame=True)
    try:
        page.goto(other.url + "/")
        frame = page.frame_locator("#frame")
        frame.locator(".kk-item img").wait_for(state="attached")
        assert frame.locator(".kk-caption").inner_text() == HOSTILE
        assert page.frames[1].evaluate("window.pwned") is None
    finally:
        other.close()


def test_the_studios_iframe_code_fits_a_phone_and_names_each_photo_once(page, live_server, app, client):
    """A walk-through's finds: the copied iframe code (600 px wide) made a 390 px product page 616 px wide,
    and a screen reader read each caption twice (the picture's alt, then its caption)."""
    from campaign.galleries.snippets import embed_codes

    brand = make_brand(app, client)
    brand.approved(caption="Lovely tea", nickname="sakura")
    other = OtherOrigin()
    gallery = brand.gallery(allowed_origins=other.url)
    with app.test_request_context(base_url=live_server.url):
        code = embed_codes(gallery)["frame"]
    other.html = (
        '<!doctype html><html lang="ja"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width"><title>お茶</title></head>'
        f"<body><h1>お茶</h1>{code}</body></html>"
    )
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(other.url + "/")
        frame = page.frame_locator("iframe")
        frame.locator(".kk-item img").wait_for(state="attached")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert frame.locator(".kk-item img").get_attribute("alt") == ""
        assert frame.locator(".kk-caption").inner_text() == "Lovely tea"
        assert frame.locator(".kk-rating").get_attribute("role") == "img"
        page.screenshot(path="/tmp/shots/iframe-phone-390.png", full_page=True)
    finally:
        other.close()


def test_another_origin_fetches_the_json_api_with_its_etag(page, live_server, app, client):
    """If-None-Match set by a script is not a CORS-safelisted header: the browser asks first (an OPTIONS
    preflight), and only then sends the request, which the API answers with a 304."""
    brand = make_brand(app, client)
    brand.approved(caption="Lovely tea")
    gallery = brand.gallery()
    other = OtherOrigin()
    other.html = "<!doctype html><title>API</title>"
    api = f"{live_server.url}/api/v1/galleries/{gallery.public_id}"
    try:
        page.goto(other.url + "/")
        seen = page.evaluate(
            """async (api) => {
              const first = await fetch(api, {headers: {'Accept-Language': 'ja'}});
              const etag = first.headers.get('ETag');
              const body = await first.json();
              const again = await fetch(api, {headers: {'If-None-Match': etag, 'Accept-Language': 'ja'}});
              return {status: first.status, total: body.total, etag, again: again.status};
            }""",
            api,
        )
        assert seen["status"] == 200 and seen["total"] == 1 and seen["etag"]
        assert seen["again"] == 304
        assert page.console_errors == []
    finally:
        other.close()


def test_the_iframe_fits_its_box_at_any_width_its_photos_scroll_sideways(page, live_server, app, client):
    """A walk-through's find: the copied iframe (480 px high) cut a gallery of several photos off on a phone,
    behind a scroll box inside the page's own scrolling. In the frame the photos now run in one row that
    fits the frame's height and scrolls sideways, at 390 and 1366 px, in both of a gallery's layouts."""
    from campaign.galleries.snippets import embed_codes
    from tests.browser.shots import SHOTS

    brand = make_brand(app, client)
    captions = ["香りが良くて、毎朝の楽しみになりました。" * 4, "Lovely tea", "", "美味しい", "☆", "x" * 30]
    for number, caption in enumerate(captions):
        brand.approved(caption=caption, nickname=f"n{number}", email=f"c{number}@example.com")
    other = OtherOrigin()
    (SHOTS / "galleries").mkdir(parents=True, exist_ok=True)
    try:
        for layout in ("grid", "carousel"):
            gallery = brand.gallery(name=f"Wall {layout}", allowed_origins=other.url, layout=layout)
            with app.test_request_context(base_url=live_server.url):
                code = embed_codes(gallery)["frame"]
            other.pages[f"/{layout}"] = (
                '<!doctype html><html lang="ja"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width"><title>お茶</title></head>'
                f"<body><h1>お茶</h1>{code}<p>Below the gallery</p></body></html>"
            )
            for width in (390, 1366):
                page.set_viewport_size({"width": width, "height": 844})
                page.goto(f"{other.url}/{layout}")
                page.frame_locator("iframe").locator(".kk-item img").first.wait_for(state="attached")
                inside = page.frames[1]
                images_loaded(inside.locator(".kk-item img").first)  # the others load lazily, scrolled to
                page.screenshot(path=str(SHOTS / "galleries" / f"iframe-{layout}-{width}.png"))
                fits = inside.evaluate("document.documentElement.scrollHeight <= window.innerHeight")
                assert fits, f"{layout} at {width}: the frame's content is taller than the frame"
                assert inside.locator(".kk-item").count() == len(captions)
                tops = {
                    round(box["y"])
                    for box in inside.locator(".kk-item").evaluate_all(
                        "items => items.map(i => i.getBoundingClientRect().toJSON())"
                    )
                }
                assert len(tops) == 1, f"{layout} at {width}: not one row"
                names = inside.locator(".kk-nickname").evaluate_all(
                    "names => names.map(n => n.getBoundingClientRect().bottom)"
                )
                assert max(names) <= inside.evaluate("window.innerHeight"), "a photo's name is cut off"
                row = inside.locator(".kk-items")
                row.evaluate("r => { r.scrollLeft = r.scrollWidth; }")
                last = inside.locator(".kk-item").last.bounding_box()
                assert last["x"] + last["width"] <= inside.evaluate("window.innerWidth") + 1
                assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        other.close()


def test_the_script_carousel_has_previous_and_next_buttons(page, live_server, app, client):
    """A walk-through's find: the script's carousel scrolled only sideways, which a mouse without a tilting
    wheel cannot do. Its buttons move one photo at a time, disabled at either end; shots at 390 and 1366."""
    from tests.browser.shots import SHOTS

    brand = make_brand(app, client)
    for number in range(5):
        brand.approved(caption=f"photo {number}", nickname=f"n{number}", email=f"c{number}@example.com")
    other = OtherOrigin()
    gallery = brand.gallery(allowed_origins=other.url, layout="carousel")
    app.config["PUBLIC_BASE_URL"] = live_server.url
    snapshots.rebuild([gallery.id])
    other.html = product_page(live_server.url, gallery.public_id, with_frame=False)
    (SHOTS / "galleries").mkdir(parents=True, exist_ok=True)
    try:
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(other.url + "/")
            page.wait_for_selector(".kk-g li img", state="attached")
            prev, nxt = page.locator(".kk-g .kk-nav button").all()
            assert prev.get_attribute("aria-label") == "前の写真" and prev.is_disabled() and nxt.is_enabled()
            nxt.click()
            until(page, "document.querySelector('.kk-g ul').scrollLeft > 0")
            expect(prev).to_be_enabled()
            page.wait_for_timeout(600)  # the smooth scroll settles on a photo
            page.screenshot(path=str(SHOTS / "galleries" / f"carousel-buttons-{width}.png"))
        assert page.console_errors == []
    finally:
        other.close()
