"""The studio page where an owner connects Instagram and X: set, test against the fake APIs, disconnect."""

import json

import pytest
from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.campaigns.settings import PrizeData
from campaign.clock import utcnow
from campaign.connectors import services as connectors
from campaign.connectors.base import ConnectorError
from campaign.connectors.models import ConnectorAccount
from campaign.connectors.x import XApi
from campaign.draws.models import Draw, PickState
from campaign.entries.models import EntryStatus
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.conftest import Studio, csrf_from
from tests.draws.helpers import close, enter, launched_campaign, set_status, studio_setup

PAGE = "/studio/connectors/"
X_TOKEN = "AAAAbearer-S3cret"  # noqa: S105 - distinctive, to search pages and the audit for it
IG_TOKEN = "EAAGgraph-S3cret"  # noqa: S105
IG_USER = "17841400000000001"


def connect(studio, network: str, account_id: str, token: str, base_url: str = "", headers=None):
    page = studio.client.get(PAGE, headers=headers)
    assert page.status_code == 200, page.text
    data = {
        f"{network}-csrf_token": csrf_from(page.text),
        f"{network}-account_id": account_id,
        f"{network}-token": token,
        f"{network}-base_url": base_url,
    }
    return studio.client.post(f"{PAGE}{network}", data=data, headers=headers)


def press(studio, network: str, action: str, headers=None):
    """Presses "Test the connection" or "Disconnect"; returns the page the redirect lands on."""
    token = csrf_from(studio.client.get(PAGE).text)
    response = studio.client.post(f"{PAGE}{network}/{action}", data={"csrf_token": token}, headers=headers)
    assert response.status_code == 303, response.text
    return studio.client.get(PAGE, headers=headers)


@pytest.fixture
def apis(social_apis):
    social_apis.state.x_bearer_token = X_TOKEN
    social_apis.state.ig_access_token = IG_TOKEN
    return social_apis


@pytest.fixture
def owner(studio):
    org, _ = studio_setup(Role.OWNER)
    assert studio.login("drawer@example.com", factories.PASSWORD).status_code == 302
    studio.org = org
    return studio


def audit_text() -> str:
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "connector")).all()
    return json.dumps([[e.action, e.before, e.after, e.reason] for e in events], ensure_ascii=False)


def test_owner_connects_x_on_the_page_and_the_draw_check_then_uses_it(client, owner, apis):
    assert "Not connected" in owner.client.get(PAGE).text
    response = connect(owner, "x", "900", X_TOKEN, apis.url)
    assert response.status_code == 303, response.text

    page = owner.client.get(PAGE).text
    assert 'data-network="x" data-connected="yes"' in page and "<code>900</code>" in page
    assert X_TOKEN not in page and "set (sealed at rest, never shown)" in page
    assert apis.url in page  # the non-default base URL, in the opened "advanced" detail
    configured = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "connector.configured"))
    assert configured.object_id == "x" and configured.actor_label == "drawer@example.com"
    assert configured.after == {"account_id": "900", "base_url": apis.url, "token": "set"}

    # A follow-and-post campaign drawn afterwards checks its winner through that connection.
    campaign = launched_campaign(
        owner.org,
        prizes=[PrizeData(name="Tea set", quantity=1)],
        allows_follow_and_post=True,
        brand_handle="brand",
        hashtags=["tea"],
    )
    state = apis.state
    for n in range(3):
        state.tweets.append({"id": str(1000 + n), "text": "#tea", "author": f"user{n}"})
        state.x_users[f"user{n}"] = str(n + 1)
        state.x_followers.append(str(n + 1))
        entry = enter(
            client,
            campaign,
            f"p{n}@example.com",
            social_handle=f"user{n}",
            post_url=f"https://x.com/user{n}/status/{1000 + n}",
        )
        set_status(entry, EntryStatus.APPROVED)
    close(campaign)
    draw_page = f"/studio/campaigns/{campaign.public_id}/draw"
    shown = owner.client.get(draw_page).text
    assert "checks of the drawn winners run through: X" in shown and 'href="/studio/connectors/"' in shown
    response = owner.post(draw_page, {"password": factories.PASSWORD}, form_page=draw_page)
    assert response.status_code == 303
    draw = db.session.scalar(select(Draw))
    winner = next(p for p in draw.picks if p.role == "winner")
    assert winner.state is PickState.NOTIFIED and "confirmed by the X API" in winner.check_note
    assert any(r.startswith("/2/users/by/username/") for r in state.requests)
    assert X_TOKEN not in audit_text()


def test_replacing_keeps_one_row_and_the_token_is_never_echoed_or_audited(owner, apis):
    assert connect(owner, "instagram", IG_USER, "first-token", apis.graph_url).status_code == 303
    assert connect(owner, "instagram", IG_USER, IG_TOKEN, apis.graph_url).status_code == 303
    assert db.session.scalar(select(ConnectorAccount)).token_sealed.count(IG_TOKEN) == 0
    assert len(db.session.scalars(select(ConnectorAccount)).all()) == 1
    replaced = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[-1]
    assert replaced.after["token"] == "replaced" and replaced.before["account_id"] == IG_USER

    # A refused form is shown again with its error, without the token it was sent with.
    refused = connect(owner, "instagram", IG_USER, "never-shown-token", "ftp://example.com/graph")
    assert refused.status_code == 400
    assert "https:// address" in refused.text and "never-shown-token" not in refused.text
    page = owner.client.get(PAGE).text
    for secret in ("first-token", IG_TOKEN, "never-shown-token"):
        assert secret not in page and secret not in audit_text()


def test_editor_and_approver_get_403_and_no_link(app):
    org, _ = studio_setup(Role.EDITOR)
    factories.member(org, "approver@example.com", Role.APPROVER)
    for email in ("drawer@example.com", "approver@example.com"):
        studio = Studio(app.test_client())
        assert studio.login(email, factories.PASSWORD).status_code == 302
        assert studio.client.get(PAGE).status_code == 403
        home = studio.client.get("/studio/", follow_redirects=True).text
        assert 'href="/studio/connectors/"' not in home
        token = csrf_from(home)
        for path in ("x", "x/test", "x/disconnect"):
            data = {"csrf_token": token, "x-csrf_token": token, "x-account_id": "1", "x-token": "t"}
            assert studio.client.post(f"{PAGE}{path}", data=data).status_code == 403
    assert db.session.scalar(select(ConnectorAccount)) is None


def test_owner_sees_the_link_in_the_studio_navigation(owner):
    home = owner.client.get("/studio/", follow_redirects=True).text
    assert 'href="/studio/connectors/"' in home


def test_connection_test_succeeds_and_names_the_account(owner, apis):
    apis.state.x_users["brand"] = "900"
    apis.state.ig_users[IG_USER] = "brand_jp"
    connect(owner, "x", "900", X_TOKEN, apis.url)
    connect(owner, "instagram", IG_USER, IG_TOKEN, apis.graph_url)
    assert "The connection works: the API answered for @brand." in press(owner, "x", "test").text
    assert "@brand_jp" in press(owner, "instagram", "test").text
    assert apis.state.requests[-1] == f"/graph/{IG_USER}"  # one cheap read each, nothing more
    assert "/2/users/900" in apis.state.requests


def test_connection_test_reports_a_bad_token_specifically(owner, apis):
    apis.state.x_users["brand"] = "900"
    connect(owner, "x", "900", "wrong-token", apis.url)
    page = press(owner, "x", "test").text
    assert "The API refused the token (HTTP 401): it is wrong, expired or revoked." in page
    assert "wrong-token" not in page

    connect(owner, "instagram", IG_USER, "expired-token", apis.graph_url)
    page = press(owner, "instagram", "test").text
    assert "The API refused the token (HTTP 400)" in page and "Error validating access token" in page
    japanese = press(owner, "instagram", "test", headers={"Accept-Language": "ja"}).text
    assert "APIがトークンを拒否しました（HTTP 400）" in japanese


def test_connection_test_reports_a_rate_limit_with_its_retry_time(owner, apis):
    connect(owner, "x", "900", X_TOKEN, apis.url)
    apis.state.x_rate_limited = True  # 429, x-rate-limit-reset 15 minutes ahead
    page = press(owner, "x", "test").text
    assert "The API is rate limiting this account (HTTP 429): try again in 15 min." in page
    japanese = press(owner, "x", "test", headers={"Accept-Language": "ja"}).text
    assert "15分後" in japanese

    connect(owner, "instagram", IG_USER, IG_TOKEN, apis.graph_url)
    apis.state.graph_error = {"code": 4, "message": "Application request limit reached"}
    assert "(HTTP 400): try again later." in press(owner, "instagram", "test").text  # no estimate sent
    apis.state.graph_regain_minutes = 23  # X-Business-Use-Case-Usage: estimated_time_to_regain_access
    assert "(HTTP 400): try again in 23 min." in press(owner, "instagram", "test").text


def test_connection_test_reports_an_unknown_account_and_an_unreachable_api(owner, apis):
    connect(owner, "x", "901", X_TOKEN, apis.url)
    assert "The API knows no account with the id 901." in press(owner, "x", "test").text
    connect(owner, "instagram", "42", IG_TOKEN, apis.graph_url)
    assert "The API knows no account with the id 42." in press(owner, "instagram", "test").text
    connect(owner, "x", "900", X_TOKEN, "http://127.0.0.1:1")
    assert "Cannot reach the API at http://127.0.0.1:1" in press(owner, "x", "test").text


def test_disconnect_removes_the_access_and_draw_checks_fall_back_to_hand(owner, apis):
    connect(owner, "x", "900", X_TOKEN, apis.url)
    page = press(owner, "x", "disconnect").text
    assert "Disconnected: the stored token is deleted." in page
    assert 'data-network="x" data-connected="no"' in page
    assert db.session.scalar(select(ConnectorAccount)) is None
    assert connectors.connector_for(owner.org.id, "x", "test-secret") is None
    post = "https://x.com/a/status/1"
    assert connectors.check_entry(owner.org.id, post, "a", ["tea"], "test-secret", now=utcnow()) is None
    gone = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "connector.disconnected"))
    assert gone.before == {"account_id": "900", "base_url": apis.url} and gone.after == {}
    assert "This network is not connected." in press(owner, "x", "test").text
    token = csrf_from(page)
    assert owner.client.post(f"{PAGE}mastodon/test", data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/graph",  # the token would travel in clear
        "https://10.0.0.5",
        "https://127.0.0.1:8080/graph",
        "https://localhost:1",
        "https://[::1]:9",
        "https://[::ffff:192.168.0.1]",
        "https://169.254.169.254/latest",  # the cloud metadata service
        "ftp://127.0.0.1",
        "https://user:pw@api.x.com",
        "https://api.x.com/?q=1",
        "https:///nohost",
        "https://api.x.com:99999",
        "javascript:alert(1)",
        # issue 11, security 3: numeric spellings of private addresses, as the C library reads them
        "https://2130706433:5432",
        "https://0x7f000001",
        "https://0177.0.0.1",
        "https://127.1",
        "https://0xa9.0xfe.0xa9.0xfe/latest",
        "https://[::127.0.0.1]",
        "https://[::ffff:0:7f00:1]",
        "https://localhost.",
    ],
)
def test_base_urls_are_public_https(url):
    with pytest.raises(DomainError) as refused:
        connectors.checked_base_url(url)
    assert refused.value.field == "base_url"


def test_accepted_base_urls():
    assert connectors.checked_base_url("  ") == ""
    assert (
        connectors.checked_base_url("https://graph.facebook.com/v21.0/") == "https://graph.facebook.com/v21.0"
    )
    for url in ("http://127.0.0.1:8080/graph", "http://localhost:1", "http://[::1]:9", "https://10.0.0.5"):
        assert connectors.checked_base_url(url, allow_private=True) == url  # OUTBOUND_ALLOW_PRIVATE


def test_a_connector_never_talks_to_our_own_network_unless_allowed(app, social_apis):
    """The fake API listens on loopback: refused on the connection itself, whatever the saved address."""
    x = XApi(base_url=social_apis.url, bearer_token="t", brand_user_id="900")  # noqa: S106
    with pytest.raises(ConnectorError) as refused:
        x.account_name()
    assert refused.value.kind == "unreachable" and "private" in str(refused.value)
    assert social_apis.state.requests == []
    allowed = XApi(base_url=social_apis.url, bearer_token="t", brand_user_id="900", allow_private=True)  # noqa: S106
    with pytest.raises(ConnectorError) as answered:
        allowed.account_name()
    assert answered.value.kind == "unauthorised"  # it reached the API, which refused the token
