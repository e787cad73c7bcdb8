"""A post deleted on its network, on the studio's entry page: said as deleted where it was posted, in the
status, the moderation panel and the audit trail, never as the customer's withdrawal.
Screenshots: /tmp/shots/studio/entry-removed-upstream-*.png"""

import pytest

from campaign.clock import utcnow
from campaign.extensions import db
from campaign.sources.removal import mark_removed
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in
from tests.galleries.helpers import OWNER, make_brand
from tests.rights.helpers import collected

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_entry_page_says_the_post_was_deleted_where_it_was_posted(page, live_server, app, client):
    brand = make_brand(app, client)
    entry = collected(brand, approve=True)
    mark_removed(entry, now=utcnow())
    db.session.commit()
    log_in(page, live_server.url, OWNER)
    url = f"{live_server.url}/studio/entries/{entry.public_id}"
    shoot(page, url, "entry-removed-upstream", owner="studio")
    page.goto(f"{url}?lang=ja")
    assert page.inner_text("#entry-state") == "投稿元で削除されました"
    assert page.inner_text("#removed-upstream") == "投稿元で削除されました"
    body = page.inner_text("main")
    assert "投稿元（SNS）で削除" in body and "お客様により取り下げ済み" not in body
    assert "応募を取り下げ" not in body
    assert page.console_errors == []
