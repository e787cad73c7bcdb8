"""The iframe page and the HTML fragment: rendered once per gallery version, language and host (kept by
`galleries.answers`), 304 for their ETag, and changed at once by a takedown or an edit."""

import pytest

PAGES = ("/embed/g/{id}", "/embed/g/{id}/fragment.html")


@pytest.mark.parametrize("page", PAGES)
def test_an_embed_page_answers_304_for_its_etag_and_varies_by_language(brand, app, page):
    brand.approved(caption="Hello")
    url = page.format(id=brand.gallery().public_id)
    visitor = app.test_client()
    first = visitor.get(url)
    assert first.status_code == 200 and "Hello" in first.text
    assert "Accept-Language" in first.headers["Vary"]
    again = visitor.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"
    brand.approved(caption="A new one")  # the gallery changed: the old ETag no longer matches
    changed = visitor.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "A new one" in changed.text


def test_each_language_and_host_gets_its_own_page(brand, app):
    brand.approved(nickname=None)
    url = f"/embed/g/{brand.gallery().public_id}/fragment.html"
    visitor = app.test_client()
    english = visitor.get(url, headers={"Accept-Language": "en"}).text
    japanese = visitor.get(url, headers={"Accept-Language": "ja"}).text
    assert "Anonymous" in english and "Anonymous" not in japanese
    other_host = visitor.get(url, headers={"Accept-Language": "en"}, base_url="http://127.0.0.1/").text
    assert "http://localhost/media/" in english and "http://localhost/media/" not in other_host
    assert "http://127.0.0.1/media/" in other_host


def test_a_saved_edit_reaches_the_cached_frame_at_once(brand, app):
    gallery = brand.gallery()
    url = f"/embed/g/{gallery.public_id}"
    visitor = app.test_client()
    assert "https://shop.example.jp" not in visitor.get(url).headers["Content-Security-Policy"]
    saved = brand.studio.post(
        f"/studio/galleries/{gallery.public_id}",
        {
            "name": "Summer wall",
            "campaign": "",
            "product": "",
            "min_rating": "1",
            "layout": "grid",
            "allowed_origins": "https://shop.example.jp",
            "pinned": "",
        },
        form_page=f"/studio/galleries/{gallery.public_id}",
    )
    assert saved.status_code in (302, 303), saved.text
    policy = visitor.get(url).headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://shop.example.jp;" in policy


def test_what_no_version_counts_is_rebuilt_once_the_cached_answer_is_max_age_old(brand, app, monkeypatch):
    """A product's name bumps no gallery version: the kept answers keep it no longer than max-age."""
    from campaign.extensions import db

    product = brand.campaign.products[0]
    product.url = "https://shop.example.jp/tea"
    db.session.commit()
    brand.approved()
    gallery = brand.gallery()
    urls = (f"/embed/g/{gallery.public_id}/fragment.html", f"/api/v1/galleries/{gallery.public_id}")
    visitor = app.test_client()
    assert all("Green tea" in visitor.get(url).text for url in urls)
    product.name = "Matcha"
    db.session.commit()
    assert all("Green tea" in visitor.get(url).text for url in urls)  # kept
    monkeypatch.setattr(app.extensions["gallery_answers"].kept, "max_age", 0.0)
    assert all("Matcha" in visitor.get(url).text for url in urls)
