"""The webhooks page in real Chromium: add an endpoint once (a double click adds one), switch it off."""

import pytest
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.webhooks.models import WebhookEndpoint
from tests import factories
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in

pytestmark = pytest.mark.browser


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
    shoot(page, f"{live_server.url}/studio/webhooks/", "webhooks")
    db.session.expire_all()
    assert db.session.scalar(select(WebhookEndpoint)).active is False
