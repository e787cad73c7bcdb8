"""A collected post whose network connection was refused, on its studio page: when it will be hidden, then
that it is. Screenshots: /tmp/shots/studio/entry-hold-due-* and entry-held-* (ja, en; 390, 1366 px)."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.connectors.services import account_of, configure
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from tests import factories
from tests.browser.one_database import ONE_DATABASE
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in
from tests.entries.helpers import submit

pytestmark = [pytest.mark.browser, ONE_DATABASE]


def test_a_collected_posts_page_says_when_it_will_be_hidden_then_that_it_is(
    page, live_server, app, client, social_apis
):
    org = factories.org()
    factories.member(org, "owner@example.com")
    factories.campaign(org)
    assert submit(client).status_code == 303
    entry = db.session.scalar(select(Entry))
    entry.network, entry.network_post_id, entry.social_handle = "x", "1850000000000000001", "hanako"
    entry.status = EntryStatus.APPROVED
    now = utcnow()
    configure(
        org.id, "x", account_id="900", token="x-token", secret=app.secret_key, actor=Actor.system(), now=now,
        base_url=social_apis.url,
    )  # fmt: skip
    account = account_of(org.id, "x")
    account.refused_at, account.refused_detail = now, "API error 401: Unauthorized"
    db.session.commit()

    log_in(page, live_server.url, "owner@example.com")
    url = f"{live_server.url}/studio/entries/{entry.public_id}"
    shoot(page, url, "entry-hold-due", owner="studio")  # the last shot is in English
    expect(page.locator("#hold-due")).to_contain_text("Unless an owner reconnects it by")
    entry.held_at = utcnow()
    db.session.commit()
    shoot(page, url, "entry-held", owner="studio")
    expect(page.locator("#held")).to_contain_text("Hidden from every public place since")
    assert page.locator("#hold-due").count() == 0
    assert page.console_errors == []
