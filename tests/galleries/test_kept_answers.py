"""Kept answers (`campaign.galleries.answers`): a repeated GET of a gallery's JSON, iframe page or fragment is
answered without Flask, with exactly Flask's answer; a removal is seen on the very next request, whatever
process or app server answers it; errors, cookies and database faults never leave anything kept."""

import contextlib
import os
import re
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from flask import request_started
from prometheus_client import REGISTRY
from sqlalchemy import select
from sqlalchemy.engine import make_url

from campaign import create_app
from campaign.entries.models import Entry
from campaign.extensions import db
from tests.auth.test_login_without_redis import closed_loopback_port
from tests.conftest import FreshContextClient, csrf_from
from tests.entries.helpers import submit
from tests.fixtures.fault_proxy import FaultProxy
from tests.fixtures.live_server import wait_until_listening
from tests.galleries.helpers import make_brand
from tests.rights.helpers import EN_TEMPLATES, add_templates, ask, collected, request_for

ROOT = Path(__file__).resolve().parents[2]
URLS = (
    "/api/v1/galleries/{id}",
    "/api/v1/galleries/{id}?per_page=1&page=2",
    "/embed/g/{id}",
    "/embed/g/{id}?lang=ja",
    "/embed/g/{id}/fragment.html",
)


@contextlib.contextmanager
def flask_requests():
    """The names of the apps (main, API) that routed a request inside the block."""
    seen: list[str] = []

    def note(sender, **_extra):
        seen.append(sender.name)

    request_started.connect(note)
    try:
        yield seen
    finally:
        request_started.disconnect(note)


def answer(response) -> tuple:
    headers = sorted((name, value) for name, value in response.headers if name != "X-Request-ID")
    return response.status_code, response.data, headers


@pytest.mark.parametrize("url", URLS)
def test_a_kept_answer_is_flasks_answer_without_flask(brand, app, url, monkeypatch):
    brand.approved(caption="Hello")
    brand.approved(nickname=None)
    url = url.format(id=brand.gallery().public_id)
    visitor = app.test_client()
    etag = visitor.get(url).headers["ETag"]
    variants = [
        ("GET", {}),
        ("GET", {"Accept-Language": "ja"}),
        ("GET", {"Origin": "https://shop.example.jp"}),
        ("GET", {"If-None-Match": etag}),
        ("GET", {"If-None-Match": f'"other", {etag}'}),
        ("GET", {"If-None-Match": '"other"'}),
        ("GET", {"If-None-Match": f"W/{etag}"}),
        ("GET", {"If-None-Match": "*"}),
        ("HEAD", {}),
        ("OPTIONS", {"Origin": "https://shop.example.jp", "Access-Control-Request-Headers": "If-None-Match"}),
    ]

    def answers():
        return [answer(visitor.open(url, method=method, headers=headers)) for method, headers in variants]

    layer = app.extensions["gallery_answers"]
    monkeypatch.setattr(layer.kept, "size", 0)  # keeps nothing: Flask answers every request
    flasks = answers()
    monkeypatch.undo()
    answers()  # the first of each is Flask's, and kept
    with flask_requests() as seen:
        kept = answers()
    assert kept == flasks
    assert len(seen) == 2  # HEAD and OPTIONS always go to Flask
    assert flasks[3][0] == 304 and flasks[4][0] == 304 and flasks[7][0] == 304 and flasks[6][0] == 200
    assert flasks[1] != flasks[0] or "lang=ja" in url  # the language is part of the answer


def test_a_kept_answer_has_its_own_request_id_and_is_counted(brand, app):
    brand.approved()
    url = f"/api/v1/galleries/{brand.gallery().public_id}"
    visitor = app.test_client()
    labels = {"app": "public_api", "endpoint": "api.get_gallery", "status": "200"}
    before = REGISTRY.get_sample_value("kuchikomi_http_requests_total", labels) or 0
    ids = {visitor.get(url).headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", found) for found in ids)
    assert visitor.get(url, headers={"X-Request-ID": "proxy-1"}).headers["X-Request-ID"] == "proxy-1"
    assert REGISTRY.get_sample_value("kuchikomi_http_requests_total", labels) == before + 4


def test_errors_and_pages_asked_with_a_cookie_are_never_kept(brand, app):
    brand.approved(nickname=None)
    gallery = brand.gallery()
    visitor = app.test_client()
    visitor.set_cookie("lang", "ja")  # the switcher's: the page speaks Japanese, whatever the browser asks
    with flask_requests() as seen:
        for _ in range(2):
            assert visitor.get(f"/api/v1/galleries/{gallery.public_id}?per_page=1000").status_code == 400
            assert visitor.get("/api/v1/galleries/unknown").status_code == 404
            assert visitor.get("/embed/g/unknown").status_code == 404
            assert "匿名" in visitor.get(f"/embed/g/{gallery.public_id}/fragment.html").text
    assert len(seen) == 8
    assert not app.extensions["gallery_answers"].kept.items


def _removals():
    """Each: (brand) -> (the approved, shown entry's caption, what removes it)."""

    def customer_entry(brand, caption):
        customer = brand.app.test_client()
        response = submit(customer, brand.campaign.slug, email="only@example.com", caption=caption)
        status_url = response.headers["Location"].split("?")[0]
        entry = db.session.scalars(select(Entry).order_by(Entry.id.desc())).first()
        brand.moderate(entry, "approve")
        return entry, customer, status_url

    def takedown(brand):
        entry = brand.approved(caption="Take me down")
        return "Take me down", lambda: brand.take_down(entry)

    def customer_withdraws(brand):
        _entry, customer, status_url = customer_entry(brand, "Withdraw me")

        def withdraw():
            page = customer.get(status_url)
            response = customer.post(status_url + "/withdraw", data={"csrf_token": csrf_from(page.text)})
            assert response.status_code == 303

        return "Withdraw me", withdraw

    def erasure(brand):
        _entry, customer, status_url = customer_entry(brand, "Erase me")

        def erase():
            page = customer.get(status_url + "/erase")
            response = customer.post(status_url + "/erase", data={"csrf_token": csrf_from(page.text)})
            assert response.status_code == 303

        return "Erase me", erase

    def creator_withdraws_consent(brand):
        add_templates(brand, "en", EN_TEMPLATES)
        entry = collected(brand, caption="Granted, then not", approve=True)
        ask(brand, entry)
        request = request_for(entry)
        brand.studio.post(f"/studio/rights/requests/{request.public_id}/sent", form_page="/studio/rights/")
        link = re.search(r"https?://\S+(/rights/\S+)", request_for(entry).text).group(1)
        creator = brand.app.test_client()

        def say(what):
            page = creator.get(link)
            response = creator.post(f"{link}/{what}", data={"csrf_token": csrf_from(page.text)})
            assert response.status_code == 303

        say("grant")  # a click publishes nothing: the team records the creator's key-hashtag reply
        recorded = brand.studio.post(
            f"/studio/rights/requests/{request.public_id}/seen", form_page="/studio/rights/?state=all"
        )
        assert recorded.status_code == 303
        return "Granted, then not", lambda: say("withdraw")

    return [takedown, customer_withdraws, erasure, creator_withdraws_consent]


@pytest.fixture
def second_app(app_config):
    """Another app server over the same database: its own process memory, its own connection pool."""
    other = create_app(app_config)
    other.test_client_class = FreshContextClient
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("removal", _removals(), ids=lambda removal: removal.__name__)
def test_a_removed_photo_is_gone_from_the_next_answer_of_every_app_server(app, client, second_app, removal):
    brand = make_brand(app, client, brand_handle="brand_a")
    gallery = brand.gallery()
    caption, remove = removal(brand)
    urls = [url.format(id=gallery.public_id) for url in URLS]
    visitors = [app.test_client(), second_app.test_client()]
    for visitor in visitors:
        for url in urls:
            assert visitor.get(url).status_code == 200
        with flask_requests() as seen:
            assert all(caption in visitor.get(url).text for url in urls if "page=2" not in url)
        assert seen == []  # kept
    remove()
    for visitor in visitors:
        for url in urls:
            response = visitor.get(url)
            assert response.status_code == 200 and caption not in response.text, url


@pytest.fixture
def faulty_database(database_url, tmp_path):
    """Gives (URL of the test's database as it is now, the function that makes it fail): on SQLite a copy
    whose file becomes a directory; on PostgreSQL the database itself, through a proxy that hangs up."""
    proxies: list[FaultProxy] = []

    def open_faulty() -> tuple[str, object]:
        if database_url.startswith("sqlite"):
            path = str(tmp_path / "faulty.sqlite3")
            # SQLite's backup: the test's own rows may still be in the source's write-ahead log
            source = sqlite3.connect(make_url(database_url).database)
            with contextlib.closing(source), contextlib.closing(sqlite3.connect(path)) as target:
                source.backup(target)

            def fail():
                os.remove(path)
                os.mkdir(path)  # "unable to open database file"

            return f"sqlite:///{path}", fail
        url = make_url(database_url)
        proxies.append(proxy := FaultProxy(url.port or 5432))
        proxy._thread.start()
        faulty = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        return faulty, lambda: proxy.set_mode("refuse")

    yield open_faulty
    for proxy in proxies:
        proxy.close()


@pytest.mark.parametrize("page", ["/api/v1/galleries/{id}", "/embed/g/{id}"])
def test_with_the_database_down_flask_answers_503_keeping_nothing(brand, app_config, faulty_database, page):
    brand.approved(caption="Hello")
    url = page.format(id=brand.gallery().public_id)
    faulty_url, fail = faulty_database()
    server = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": faulty_url})
    server.test_client_class = FreshContextClient
    visitor = server.test_client()
    try:
        assert visitor.get(url).status_code == 200
        assert "Hello" in visitor.get(url).text  # kept
        kept = dict(server.extensions["gallery_answers"].kept.items)
        fail()
        with server.app_context():
            db.engine.dispose()
        for _ in range(2):
            response = visitor.get(url)
            assert response.status_code == 503 and response.headers["Retry-After"] == "30"
            assert "Hello" not in response.text and "ETag" not in response.headers
        assert dict(server.extensions["gallery_answers"].kept.items) == kept
    finally:
        with server.app_context():
            db.engine.dispose()


def test_a_takedown_is_seen_on_the_next_request_by_every_worker_of_another_server(brand, database_url):
    """gunicorn with two workers over the test's database: answers kept in its processes, not in ours."""
    entry = brand.approved(caption="Take me down")
    gallery = brand.gallery()
    port = closed_loopback_port()
    ours = ("KUCHIKOMI_", "PROMETHEUS_", "GUNICORN_")
    env = {name: value for name, value in os.environ.items() if not name.startswith(ours)}
    env.update(
        PYTHONPATH=str(ROOT),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
        KUCHIKOMI_SECRET_KEY="x" * 32,
        KUCHIKOMI_DATABASE_URL=database_url,
        KUCHIKOMI_STORAGE_BACKEND="memory",
        KUCHIKOMI_MAIL_BACKEND="log",
        KUCHIKOMI_MAIL_FROM="campaign@ugc.example.jp",
        KUCHIKOMI_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    urls = [base + url.format(id=gallery.public_id) for url in URLS if "page=2" not in url]

    def texts() -> list[str]:
        return [urllib.request.urlopen(url, timeout=10).read().decode() for url in urls for _ in range(4)]

    try:
        wait_until_listening(base, server)
        assert all("Take me down" in text for text in texts() + texts())  # the second round kept
        brand.take_down(entry)
        assert not any("Take me down" in text for text in texts())
    finally:
        server.terminate()
        server.wait(timeout=60)
