"""The public API: caching, CORS, paging, JSON-LD, the reviews feed, oEmbed; withdrawal from all of them."""

import json
from xml.etree import ElementTree as ET

from sqlalchemy import select

from campaign.extensions import db
from campaign.galleries.snapshots import snapshot_key
from campaign.reviews.models import Review
from campaign.storage import get_storage


def test_gallery_json_has_cors_etag_cache_control_and_answers_304(brand, client):
    brand.approved()
    gallery = brand.gallery()
    first = client.get(f"/api/v1/galleries/{gallery.public_id}")
    assert first.status_code == 200
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert first.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"  # browsers ask again
    etag = first.headers["ETag"]
    again = client.get(f"/api/v1/galleries/{gallery.public_id}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    brand.approved(caption="A new one")  # the gallery changed: the old ETag no longer matches
    changed = client.get(f"/api/v1/galleries/{gallery.public_id}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json["total"] == 2


def test_a_cors_preflight_allows_the_conditional_and_language_headers(brand, client):
    gallery = brand.gallery()
    answer = client.options(
        f"/api/v1/galleries/{gallery.public_id}",
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match,accept-language",
        },
    )
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in answer.headers["Access-Control-Allow-Methods"]
    allowed = {h.strip().lower() for h in answer.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"if-none-match", "accept-language"} <= allowed
    assert "Access-Control-Allow-Methods" not in client.get(f"/api/v1/galleries/{gallery.public_id}").headers


def test_gallery_json_is_paged(brand, client):
    made = [brand.approved().public_id for _ in range(3)]
    gallery = brand.gallery()
    page1 = client.get(f"/api/v1/galleries/{gallery.public_id}?per_page=2").json
    page2 = client.get(f"/api/v1/galleries/{gallery.public_id}?per_page=2&page=2").json
    assert (page1["total"], page1["pages"], len(page1["items"]), len(page2["items"])) == (3, 2, 2, 1)
    assert {i["id"] for i in page1["items"] + page2["items"]} == set(made)
    assert client.get(f"/api/v1/galleries/{gallery.public_id}?per_page=1000").status_code == 400
    assert client.get("/api/v1/galleries/unknown").status_code == 404


def test_product_json_ld_has_reviews_and_aggregate_rating(brand, client):
    for rating in ("5", "4"):
        brand.publish_review(brand.approved(rating=rating, nickname="hana"))
    product = brand.campaign.products[0]
    response = client.get(f"/api/v1/products/{product.public_id}/jsonld")
    assert response.mimetype == "application/ld+json"
    data = response.json
    assert data["@type"] == "Product" and data["gtin13"] == "4901234567894" and data["sku"] == "TEA-1"
    assert data["aggregateRating"]["ratingValue"] == 4.5 and data["aggregateRating"]["ratingCount"] == 2
    assert {r["author"]["name"] for r in data["review"]} == {"hana"}
    assert all("incentivised" in r["reviewBody"] for r in data["review"])


def test_the_reviews_feed_is_google_2_4_and_flags_incentivised_reviews(brand, client):
    brand.publish_review(brand.approved(nickname=None, rating="4"))
    response = client.get(f"/feeds/{brand.org.public_id}/product-reviews.xml")
    root = ET.fromstring(response.data)  # noqa: S314 (our own output)
    assert root.tag == "feed" and root.findtext("version") == "2.4"
    review = root.find("reviews/review")
    assert review.find("reviewer/name").get("is_anonymous") == "true"
    assert review.findtext("is_incentivized_review") == "true"
    assert review.find("ratings/overall").attrib == {"min": "1", "max": "5"}
    assert review.findtext("ratings/overall") == "4"
    assert review.findtext("products/product/product_ids/gtins/gtin") == "4901234567894"
    assert review.findtext("products/product/product_ids/skus/sku") == "TEA-1"
    assert b"@example.com" not in response.data


def test_oembed_for_a_gallery_and_a_review(brand, client):
    brand.publish_review(brand.approved())
    gallery = brand.gallery()
    review = db.session.scalar(select(Review))
    for url in (f"http://localhost/embed/g/{gallery.public_id}", f"http://localhost/r/{review.public_id}"):
        data = client.get("/api/v1/oembed", query_string={"url": url, "maxwidth": "400"}).json
        assert data["type"] == "rich" and data["version"] == "1.0" and data["width"] == 400
        assert data["html"].startswith('<iframe src="http://localhost/')
    assert client.get("/api/v1/oembed", query_string={"url": "https://evil.example/r/x"}).status_code == 404


def test_a_withdrawn_photo_leaves_the_api_the_snapshots_the_json_ld_and_the_feed(brand, client):
    keep = brand.approved(caption="Stays")
    gone = brand.approved(caption="Goes away")
    brand.publish_review(keep)
    brand.publish_review(gone)
    gallery = brand.gallery()
    product = brand.campaign.products[0]
    storage = get_storage()

    def surfaces() -> dict[str, str]:
        return {
            "api": client.get(f"/api/v1/galleries/{gallery.public_id}").text,
            "frame": client.get(f"/embed/g/{gallery.public_id}").text,
            "fragment": client.get(f"/embed/g/{gallery.public_id}/fragment.html").text,
            "reviews api": client.get(f"/api/v1/products/{product.public_id}/reviews").text,
            "snapshot json": storage.get(snapshot_key(gallery, "gallery.json")).decode(),
            "snapshot html": storage.get(snapshot_key(gallery, "gallery.html")).decode(),
            "json-ld": client.get(f"/api/v1/products/{product.public_id}/jsonld").text,
            "feed": client.get(f"/feeds/{brand.org.public_id}/product-reviews.xml").text,
        }

    before = surfaces()
    assert all("Goes away" in text and "Stays" in text for text in before.values()), before
    gone_review = db.session.scalar(select(Review).where(Review.entry_id == gone.id))
    assert gone_review.public_id in before["feed"]

    brand.take_down(gone)
    after = surfaces()
    for name, text in after.items():
        assert "Goes away" not in text and gone.public_id not in text, name
        assert "Stays" in text, name
    assert gone_review.public_id not in after["feed"]
    assert json.loads(after["json-ld"])["aggregateRating"]["ratingCount"] == 1


def test_json_ld_cannot_close_the_script_element_that_inlines_it(brand, client):
    """Issue 11, security 1: a caption holding `</script><script>` must stay inside the JSON-LD element."""
    caption = "</script><script>alert(1)</script> & \u2028 'x'"
    brand.publish_review(brand.approved(caption=caption, nickname="<b>hana</b>"))
    product = brand.campaign.products[0]
    response = client.get(f"/api/v1/products/{product.public_id}/jsonld")
    assert not {"<", ">", "&", "'", "\u2028"} & set(response.text)
    assert "\\u003c/script\\u003e" in response.text
    assert response.json["review"][0]["reviewBody"].startswith(caption)
    assert response.json["review"][0]["author"]["name"] == "<b>hana</b>"


def test_json_ld_brackets_the_campaign_label_as_the_readers_language_does(brand, client):
    """A walk-through read 「冷やして飲むと最高です。 (キャンペーン応募作品（…）)」: both widths mixed."""
    brand.publish_review(brand.approved(caption="冷やして飲むと最高です。"))
    product = brand.campaign.products[0]
    ja = client.get(f"/api/v1/products/{product.public_id}/jsonld", headers={"Accept-Language": "ja"})
    body = ja.json["review"][0]["reviewBody"]
    assert body == "冷やして飲むと最高です。（キャンペーン応募作品（特典付き））"
    en = client.get(f"/api/v1/products/{product.public_id}/jsonld", headers={"Accept-Language": "en"})
    body = en.json["review"][0]["reviewBody"]
    assert body == "冷やして飲むと最高です。 (Posted as part of a campaign (incentivised))"


def test_oembed_refuses_malformed_urls_and_widths_with_400(brand, client):
    """Issue 11, security 9 and 10: an unclosed IPv6 bracket gave a 500, a negative width was accepted."""
    gallery = brand.gallery()
    url = f"http://localhost/embed/g/{gallery.public_id}"
    assert client.get("/api/v1/oembed", query_string={"url": "http://[::1"}).status_code == 400
    for width in ("-5", "0"):
        response = client.get("/api/v1/oembed", query_string={"url": url, "maxwidth": width})
        assert response.status_code == 400, width
    assert client.get("/api/v1/oembed", query_string={"url": url, "maxwidth": "1"}).json["width"] == 1
