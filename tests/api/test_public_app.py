"""The public API runs as a lean app of its own in front of the main one: what it does without, and what
it still shares with the main app."""

import pytest
from flask import url_for
from werkzeug.routing import BuildError

from campaign.extensions import db
from campaign.storage import get_storage


@pytest.fixture
def gallery_url(brand):
    brand.approved()
    return f"/api/v1/galleries/{brand.gallery().public_id}"


def test_the_api_reads_no_session_and_sets_no_cookie(brand, client, gallery_url):
    assert client.get_cookie("session") is not None  # the owner is logged in the studio
    response = client.get(gallery_url)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Vary"] == "Accept-Language"  # not Cookie: one cached answer serves everyone
    assert not any(name.lower().startswith("x-ratelimit") for name, _value in response.headers)


def test_api_errors_are_json_whatever_the_client_accepts(client):
    browser = {"Accept": "text/html"}
    for url in ("/api/v1/nothing-here", "/api/v1/galleries/unknown", "/api/v1/products/unknown/reviews"):
        response = client.get(url, headers=browser)
        assert response.status_code == 404 and response.is_json, url
        assert response.json["error"] == "not_found"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    posted = client.post("/api/v1/galleries/x", headers=browser)  # no form, so no CSRF check either
    assert posted.status_code == 405 and posted.is_json


def test_the_api_speaks_the_language_asked_for_not_the_sites_cookie(client, gallery_url):
    def label(url=gallery_url, language="en"):
        return client.get(url, headers={"Accept-Language": language}).json["label"]

    english, japanese = label(language="en-GB,en;q=0.9"), label(language="ja,en;q=0.5")
    assert "incentivised" in english and japanese != english
    assert label(f"{gallery_url}?lang=ja") == japanese
    client.set_cookie("lang", "ja")  # the site's language switcher: the API's answers vary by header only
    assert label() == english
    assert label(language="fr") == japanese  # nothing we speak: the default language


def test_the_embeds_words_come_in_the_language_asked_for(client, gallery_url):
    english = client.get(gallery_url, headers={"Accept-Language": "en"}).json["labels"]
    japanese = client.get(f"{gallery_url}?lang=ja").json["labels"]
    assert english == {
        "anonymous": "Anonymous",
        "previous": "Previous photo",
        "next": "Next photo",
        "close": "Close",
        "product": "See this product",
        "product_named": "See this product: %(name)s",
        "dialog": "Photo %(n)s of %(total)s",
        "rating": "%(n)s out of 5 stars",
        "comma": ", ",
        "stop": ". ",
    }
    assert japanese["close"] == "閉じる" and japanese["anonymous"] == "匿名"
    assert japanese["rating"] == "星5つ中%(n)sつ"
    assert (japanese["comma"], japanese["stop"], japanese["dialog"]) == ("、", "。", "%(total)s枚中%(n)s枚目")


def test_photo_urls_follow_the_host_each_request_came_to(client, gallery_url):
    def first_url(base_url):
        return client.get(gallery_url, base_url=base_url).json["items"][0]["images"]["jpeg"][0]["url"]

    assert first_url("http://shop.example").startswith("http://shop.example/media/public/")
    assert first_url("http://localhost").startswith("http://localhost/media/public/")


def test_the_api_app_shares_the_main_apps_config_engine_and_storage(app):
    api = app.extensions["public_api"]
    assert api.config is app.config
    main_engine, main_storage = db.engine, get_storage()
    with api.app_context():
        assert db.engine is main_engine and get_storage() is main_storage


def test_each_app_builds_the_others_urls(app, brand):
    api = app.extensions["public_api"]
    with app.test_request_context("/studio/"):
        assert (
            url_for("api.get_gallery", public_id="g1", _external=True)
            == "http://localhost/api/v1/galleries/g1"
        )
    with api.test_request_context("/api/v1/oembed"):
        assert url_for("media.public", key="public/d/a.jpg") == "/media/public/d/a.jpg"
        with pytest.raises(BuildError):
            url_for("no_such.endpoint")
    gallery = brand.gallery()
    page = brand.studio.client.get(f"/studio/galleries/{gallery.public_id}")
    assert f"http://localhost/api/v1/galleries/{gallery.public_id}" in page.text


def test_the_api_says_the_database_is_briefly_unavailable_with_a_503_not_a_500():
    """As the pages do (errors.py): a passing state with a time to come back, in JSON, never cached."""
    from campaign import create_app
    from tests.auth.test_login_without_redis import closed_loopback_port

    app = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{closed_loopback_port()}/x",
            "STORAGE_BACKEND": "memory",
        }
    )
    for url in ("/api/v1/galleries/g1", "/api/v1/products/p1/reviews"):
        response = app.test_client().get(url, headers={"Accept": "text/html"})
        assert response.status_code == 503 and response.headers["Retry-After"] == "30", url
        assert response.json["error"] == "database_unavailable"
        assert response.headers["Access-Control-Allow-Origin"] == "*" and "ETag" not in response.headers
