"""The webhooks page in real Chromium: add an endpoint once (a double click adds one), switch it off."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.webhooks.models import WebhookEndpoint
from tests import factories
from tests.browser.test_moderation_keys import log_in

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/atomic")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_endpoint_is_added_once_on_a_double_click_then_switched_off(page, live_server, app):
    org = factories.org()
    factories.member(org, "owner@example.com")
    log_in(page, live_server.url, "owner@example.com")
    page.goto(f"{live_server.url}/studio/webhooks/")
    page.fill("#url", "http://127.0.0.1:9/kuchikomi-hook")
    page.dblclick("form.form button")
    page.wait_for_selector(".webhook-endpoints")
    assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 1
    with page.expect_navigation():
        page.click("text=Switch off")
    assert page.locator(".badge-closed").count() == 1
    assert page.console_errors == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang in ("en", "ja"):
        page.goto(f"{live_server.url}/studio/webhooks/?lang={lang}")
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SHOTS / f"webhooks-{lang}-{width}.png"), full_page=True)
    db.session.expire_all()
    assert db.session.scalar(select(WebhookEndpoint)).active is False
