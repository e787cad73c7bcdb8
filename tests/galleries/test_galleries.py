"""Galleries: rules for what shows, origins, embeds, snapshots, and withdrawal from every surface."""

import json

import pytest

from campaign.extensions import db
from campaign.galleries.origins import InvalidOrigin, normalise_origin
from campaign.galleries.snapshots import snapshot_key
from campaign.storage import get_storage


def ids(doc: dict) -> list[str]:
    return [item["id"] for item in doc["items"]]


def test_a_gallery_shows_approved_consented_photos_above_the_minimum_rating_pins_first(brand, client):
    low = brand.approved(rating="2")
    no_consent = brand.approved(consent_scopes=["review"])
    pending = brand.entry()
    first = brand.approved(rating="5")
    second = brand.approved(rating="4")
    gallery = brand.gallery(min_rating="3")
    url = f"/studio/galleries/{gallery.public_id}"
    pinned = brand.studio.post(f"{url}/pins", {"move": "pin", "entry": second.public_id}, form_page=url)
    assert pinned.status_code == 303
    doc = client.get(f"/api/v1/galleries/{gallery.public_id}").json
    assert ids(doc) == [second.public_id, first.public_id]
    assert {low.public_id, no_consent.public_id, pending.public_id}.isdisjoint(ids(doc))


def test_public_output_carries_no_personal_data(brand, client):
    brand.approved(email="private.person@example.com", caption="Nice", nickname=None)
    gallery = brand.gallery()
    body = client.get(f"/api/v1/galleries/{gallery.public_id}").text
    item = json.loads(body)["items"][0]
    assert "private.person" not in body and "email" not in body
    assert item["nickname"] is None and item["anonymous"] is True and item["incentivized"] is True
    assert set(item) == {
        "id",
        "nickname",
        "anonymous",
        "rating",
        "caption",
        "date",
        "campaign",
        "incentivized",
        "width",
        "height",
        "placeholder",
        "images",
        "product",
    }
    assert item["images"]["webp"] and item["images"]["jpeg"]
    assert all(
        image["url"].startswith("http://localhost/media/public/d/") for image in item["images"]["webp"]
    )


@pytest.mark.parametrize(
    "bad",
    [
        "https://shop.example.jp/path",
        "https://shop.example.jp; script-src *",
        "javascript:alert(1)",
        "https://shop.example.jp\r\nSet-Cookie: x=1",
        "https://user@shop.example.jp",
        "*",
        "https://shop.example.jp:99999",
    ],
)
def test_embed_origins_must_be_bare_origins(bad):
    with pytest.raises(InvalidOrigin):
        normalise_origin(bad)


def test_a_japanese_domain_name_is_an_origin_as_browsers_send_it():
    """A walk-through's find: https://ショップ.jp was refused as "not a web origin"; browsers send it, and
    frame-ancestors match it, as punycode."""
    assert normalise_origin("https://ショップ.jp/") == "https://xn--xckya1d0c.jp"
    assert normalise_origin("https://お茶.example.jp:8443") == "https://xn--t8jy01w.example.jp:8443"
    with pytest.raises(InvalidOrigin):
        normalise_origin("https://ショップ.jp/path")


def test_the_iframe_page_may_be_framed_only_by_allowed_origins(brand, client):
    gallery = brand.gallery(allowed_origins="https://shop.example.jp\nhttp://127.0.0.1:8081/")
    response = client.get(f"/embed/g/{gallery.public_id}")
    assert (
        "frame-ancestors 'self' https://shop.example.jp http://127.0.0.1:8081;"
        in response.headers["Content-Security-Policy"]
    )
    refused = brand.studio.post(
        f"/studio/galleries/{gallery.public_id}",
        {
            "name": "x",
            "campaign": "",
            "product": "",
            "min_rating": "1",
            "layout": "grid",
            "allowed_origins": "https://a.example; script-src *",
            "pinned": "",
        },
        form_page=f"/studio/galleries/{gallery.public_id}",
    )
    assert refused.status_code == 200 and "is not a web origin" in refused.text
    db.session.refresh(gallery)
    assert gallery.allowed_origins == ["https://shop.example.jp", "http://127.0.0.1:8081"]


def test_a_caption_is_text_in_every_html_embed(brand, client):
    brand.approved(caption='<script>window.pwned=1</script><img src=x onerror="window.pwned=2">')
    gallery = brand.gallery()
    for url in (f"/embed/g/{gallery.public_id}", f"/embed/g/{gallery.public_id}/fragment.html"):
        html = client.get(url).text
        assert "<script>window.pwned" not in html and "<img src=x" not in html
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html


def test_approval_and_takedown_rebuild_the_snapshots(brand, client):
    gallery = brand.gallery()
    storage = get_storage()
    assert json.loads(storage.get(snapshot_key(gallery, "gallery.json")))["items"] == []
    entry = brand.approved(caption="Snapshot me")
    snapshot = json.loads(storage.get(snapshot_key(gallery, "gallery.json")))
    assert ids(snapshot) == [entry.public_id]
    assert b"Snapshot me" in storage.get(snapshot_key(gallery, "gallery.html"))
    served = client.get(f"/snapshots/g/{gallery.public_id}/gallery.json")
    assert served.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert served.headers["Access-Control-Allow-Origin"] == "*"
    brand.take_down(entry)
    assert json.loads(storage.get(snapshot_key(gallery, "gallery.json")))["items"] == []
    assert b"Snapshot me" not in storage.get(snapshot_key(gallery, "gallery.html"))


def test_the_snapshot_is_written_in_each_language_for_the_script_embed(brand, client):
    """embed.js picks gallery.<lang>.json by its page's language (it spoke Japanese on an English page)."""
    brand.approved(caption="Tea time")
    gallery = brand.gallery()
    default = json.loads(get_storage().get(snapshot_key(gallery, "gallery.json")))
    english = client.get(f"/snapshots/g/{gallery.public_id}/gallery.en.json")
    assert english.status_code == 200 and english.headers["Access-Control-Allow-Origin"] == "*"
    assert english.json["labels"]["close"] == "Close" and default["labels"]["close"] == "閉じる"
    assert client.get(f"/snapshots/g/{gallery.public_id}/gallery.ja.json").json == default
    assert client.get(f"/snapshots/g/{gallery.public_id}/gallery.fr.json").status_code == 404
    # a save from a studio in English does not make the default file English (a check's find: it did)
    brand.studio.post(
        f"/studio/galleries/{gallery.public_id}?lang=en",
        {"name": gallery.name, "min_rating": "1", "layout": "grid", "allowed_origins": ""},
        form_page=f"/studio/galleries/{gallery.public_id}?lang=en",
    )
    assert json.loads(get_storage().get(snapshot_key(gallery, "gallery.json")))["labels"]["close"] == "閉じる"


def test_a_products_new_page_reaches_the_snapshot_and_the_api_at_once(brand, client):
    """A walk-through's find: a product's page added in the campaign form reached the API but not the
    script embed's snapshot until the next approval, so its product link (and clicks, sales) were missing."""
    from tests.campaigns.helpers import save_edit_form

    entry = brand.approved(caption="Tea time")
    gallery = brand.gallery()
    storage = get_storage()
    api = f"/api/v1/galleries/{gallery.public_id}"
    assert client.get(api).json["items"][0]["product"] is None  # kept by the process now
    saved = save_edit_form(
        brand.studio.client, brand.campaign, **{"products-0-url": "https://shop.example/tea"}
    )
    assert saved.status_code == 302, saved.text
    snapshot = json.loads(storage.get(snapshot_key(gallery, "gallery.json")))
    link = {
        "id": brand.campaign.products[0].public_id,
        "name": "Green tea",
        "url": "https://shop.example/tea",
    }
    assert [item["product"] for item in snapshot["items"]] == [link] and entry.public_id in ids(snapshot)
    assert client.get(api).json["items"][0]["product"] == link


def test_redacting_a_caption_republishes_the_api_and_the_snapshot(brand, client):
    entry = brand.approved(caption="Call me at 090-1234")
    gallery = brand.gallery()
    assert "090-1234" in client.get(f"/api/v1/galleries/{gallery.public_id}").text  # cached now
    response = brand.studio.post(
        f"/studio/moderation/entries/{entry.public_id}/redact", {"redacted_caption": "Call me at ■■■■■■■■"}
    )
    assert response.status_code in (302, 303)
    api = client.get(f"/api/v1/galleries/{gallery.public_id}").text
    snapshot = get_storage().get(snapshot_key(gallery, "gallery.json")).decode()
    for text in (api, snapshot):
        assert "090-1234" not in text and "Call me at ■■■■■■■■" in text


@pytest.mark.parametrize("public_id", ["..", "~x", "a%20b", "a" * 300, "%2e%2e"])
def test_a_snapshot_path_that_is_no_storage_key_is_404(client, app, public_id):
    """Issue 11, security 9: `public_url` validated the key outside the try and answered 500."""
    assert client.get(f"/snapshots/g/{public_id}/gallery.json").status_code == 404


def copied_code(page_html: str, snippet_id: str) -> str:
    """What a marketer copies from the studio page: the text of the code's <pre>, as the browser shows it."""
    import html
    import re

    shown = re.search(rf'<pre class="code" id="{snippet_id}"[^>]*>(.*?)</pre>', page_html, re.S).group(1)
    return html.unescape(shown)


def test_the_embed_code_keeps_a_quote_in_the_gallery_name_inside_its_attribute(brand):
    """A walk-through's find: `title="' ~ name|e ~ '"` was unescaped when the page showed it, so a name with
    a quote wrote script onto the brand's page through the copied iframe code."""
    from html.parser import HTMLParser

    name = '夏ギャラリー" onload="alert(1)'
    gallery = brand.gallery(name=name)
    page = brand.studio.client.get(f"/studio/galleries/{gallery.public_id}").text

    class Tags(HTMLParser):
        found: list = []

        def handle_starttag(self, tag, attrs):
            self.found.append((tag, dict(attrs)))

    for snippet, tag in (("snippet-frame", "iframe"), ("snippet-script", "div")):
        parser = Tags()
        parser.found = []
        parser.feed(copied_code(page, snippet))
        attributes = dict(parser.found)[tag]
        assert "onload" not in attributes
        if tag == "iframe":
            assert attributes["title"] == name  # the brand's page shows the name as typed
            assert attributes["src"].endswith(f"/embed/g/{gallery.public_id}")
        else:
            assert attributes["data-kuchikomi-gallery"].endswith("gallery.json")


def test_an_entrys_studio_page_says_where_the_public_sees_it(brand, client):
    """A walk-through's find: the entry's page did not say which review and galleries showed the photo."""
    entry = brand.approved(caption="Tea time")
    page = f"/studio/entries/{entry.public_id}?lang=ja"
    # the campaign page's strip shows it from its approval: it was said to be shown "Nowhere" (a walk-through)
    assert 'alt="Tea time"' in client.get(f"/c/{entry.campaign.slug}").text
    shown = brand.studio.client.get(page).text.split('id="entry-shown"')[1].split("</dd>")[0]
    assert "どこにも掲載されていません" not in shown and ">キャンペーンページ</a>" in shown
    assert f'href="/c/{entry.campaign.slug}"' in shown
    gallery = brand.gallery(name="夏の壁")
    brand.publish_review(entry)
    shown = brand.studio.client.get(page).text.split('id="entry-shown"')[1].split("</dd>")[0]
    assert "Green tea のレビュー" in shown and "ギャラリー「夏の壁」" in shown
    assert "キャンペーンページ" in shown
    assert f"/studio/galleries/{gallery.public_id}" in shown
    brand.take_down(entry)
    shown = brand.studio.client.get(page).text.split('id="entry-shown"')[1].split("</dd>")[0]
    assert "どこにも掲載されていません" in shown
