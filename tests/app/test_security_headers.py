"""Issue 11, security 6, 7 and 10: the headers every response carries, and the proxy in front of the app."""

import re
import socket
from pathlib import Path

import pytest

from campaign import create_app
from campaign.config import PROJECT_ROOT
from campaign.extensions import db
from tests import factories
from tests.conftest import FreshContextClient, csrf_from
from tests.galleries.helpers import make_brand


def csp_of(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def test_every_html_page_has_the_csp_and_the_common_headers(app, client, studio):
    campaign = factories.campaign(factories.org())
    factories.member(campaign.organisation, "m@example.com")
    pages = ["/", "/login", f"/c/{campaign.slug}", "/no-such-page"]
    responses = [client.get(url) for url in pages]
    studio.login("m@example.com", factories.PASSWORD)
    responses += [client.get("/studio/"), client.get("/studio/moderation/")]
    for response in responses:
        assert response.mimetype == "text/html", response.request.path
        csp = csp_of(response)
        assert csp["script-src"] == "script-src 'self'"
        assert csp["frame-ancestors"] == "frame-ancestors 'none'"
        assert csp["object-src"] == "object-src 'none'" and csp["base-uri"] == "base-uri 'none'"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in response.headers  # plain http


@pytest.fixture
def brand(app, client):
    return make_brand(app, client)


def test_other_responses_are_nosniff_and_views_keep_their_own_policy(brand, client):
    gallery = brand.gallery(allowed_origins="https://shop.example.jp")
    embed = client.get(f"/embed/g/{gallery.public_id}")
    assert csp_of(embed)["frame-ancestors"] == "frame-ancestors 'self' https://shop.example.jp"
    with client.get("/static/css/site.css") as stylesheet:
        assert stylesheet.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/api/v1/galleries/unknown").headers["X-Content-Type-Options"] == "nosniff"


def test_the_public_api_sends_nosniff_and_the_referrer_policy_like_every_response(brand, client):
    gallery = brand.gallery()
    urls = (f"/api/v1/galleries/{gallery.public_id}", "/api/v1/galleries/unknown", "/api/v1/openapi.json")
    for url in urls:
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url


def test_studio_pages_are_never_stored(brand, client):
    for url in ("/studio/", "/studio/moderation/", f"/studio/entries/{brand.entry().public_id}"):
        assert client.get(url).headers["Cache-Control"] == "private, no-store"


def test_https_responses_get_hsts_and_a_secure_language_cookie(client):
    response = client.get("/lang/en?next=/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Secure" not in client.get("/lang/en?next=/").headers["Set-Cookie"]


def test_templates_hold_no_inline_script():
    """The CSP allows our script files only: no <script> with a body, no on* handler, no javascript: URL."""
    found = []
    for path in Path(PROJECT_ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text):
            found.append(f"{path.name}: {match.group(0)}")
        found += [f"{path.name}: {m}" for m in re.findall(r"<[^>]*\son\w+=[^>]*>", text)]
        found += [f"{path.name}: javascript:" for _ in re.findall(r"javascript:", text)]
    assert found == []


@pytest.fixture
def behind_proxy(app_config):
    """The app as deployed behind one load balancer that sets X-Forwarded-For and -Proto."""
    proxied = create_app({**app_config, "PROXY_FIX_X_FOR": 1, "PROXY_FIX_X_PROTO": 1})
    proxied.test_client_class = FreshContextClient
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


def login_from(client, address: str, email: str) -> int:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"email": email, "password": "wrong password!", "csrf_token": csrf_from(page.text)},
        headers={"X-Forwarded-For": address},
    ).status_code


def test_the_login_limiter_sees_each_client_behind_the_proxy(app, behind_proxy):
    app.config["LOGIN_RATE_LIMIT"] = behind_proxy.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    proxied = behind_proxy.test_client()
    assert [login_from(proxied, f"203.0.113.{n}", f"u{n}@example.com") for n in range(4)] == [401] * 4
    direct = app.test_client()  # no proxy configured: the header is a client's claim and is ignored
    codes = [login_from(direct, f"203.0.113.{n}", f"v{n}@example.com") for n in range(3)]
    assert codes == [401, 401, 429]


def test_the_proxy_scheme_is_believed_only_when_configured(app, behind_proxy):
    headers = {"X-Forwarded-Proto": "https"}
    assert "Strict-Transport-Security" in behind_proxy.test_client().get("/", headers=headers).headers
    assert "Strict-Transport-Security" not in app.test_client().get("/", headers=headers).headers


def test_an_untrusted_host_never_reaches_public_urls(app, client, brand):
    brand.approved()
    gallery = brand.gallery()
    app.config["TRUSTED_HOSTS"] = ["localhost"]
    for url in (
        f"/api/v1/galleries/{gallery.public_id}",
        f"/embed/g/{gallery.public_id}/fragment.html",
        "/api/v1/oembed?url=http://{host}/embed/g/" + gallery.public_id,
    ):
        evil = client.get(url.format(host="evil.example"), headers={"Host": "evil.example"})
        assert evil.status_code == 400 and "evil.example" not in evil.text, url
        assert client.get(url.format(host="localhost")).status_code == 200, url


def test_a_413_says_connection_close_once(live_server, client, app):
    """Issue 11, security 10: the app's own `Connection: close` went out beside the server's."""
    factories.campaign(factories.org())
    head = (
        "POST /c/summer/entries HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{live_server.port}\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {app.config['MAX_CONTENT_LENGTH'] + 1}\r\n"
        "\r\n"
    )
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=10) as sock:
        sock.sendall(head.encode())
        answer = sock.recv(65536).decode("latin-1")
    headers = answer.split("\r\n\r\n")[0].lower().split("\r\n")
    assert headers[0].startswith("http/1.1 413")
    assert [line for line in headers if line.startswith("connection:")] == ["connection: close"]


def test_images_may_come_from_the_cdn_and_from_the_private_buckets_presigned_urls(app_config):
    """On S3 the studio and the status page show private renditions through presigned URLs: with virtual
    addressing they name the private bucket's own host, which the CSP must allow beside the CDN."""
    app = create_app(
        app_config
        | {
            "STORAGE_BACKEND": "s3",
            "S3_REGION": "ap-northeast-1",
            "S3_PRIVATE_BUCKET": "kk-private",
            "S3_PUBLIC_BUCKET": "kk-public",
            "S3_PUBLIC_BASE_URL": "https://photos.example.jp",
            "S3_ADDRESSING_STYLE": "virtual",
            "S3_ACCESS_KEY_ID": "AK",
            "S3_SECRET_ACCESS_KEY": "SK",
        }
    )
    with app.test_client() as client:
        sources = csp_of(client.get("/login"))["img-src"].split()[1:]
    assert "https://photos.example.jp" in sources
    assert any(source.startswith("https://kk-private.") for source in sources), sources
    with app.app_context():
        db.engine.dispose()
