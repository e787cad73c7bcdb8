"""Issue 12's whole loop in Chromium: a post with the campaign hashtag is collected into the queue with its
source; a rights request goes out through the X API; the creator's key-hashtag reply grants it (found on the
next poll); the marketer approves it; it shows in the gallery embed; withdrawing the grant removes it from the
embed, the API, the snapshot and the public bucket at once."""

import json
import re

import pytest

from campaign import jobs
from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.galleries import services as galleries
from campaign.galleries.snapshots import snapshot_key
from campaign.rights import templates
from campaign.rights.models import Proof, RightsState
from campaign.sources.poll import poll_source
from campaign.storage import get_storage
from tests import factories
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in
from tests.fixtures.social_apis import rights_fake
from tests.rights.helpers import JA_TEMPLATES, request_for
from tests.sources.conftest import brand  # noqa: F401 - the fixture: X and Instagram connected to the fakes

pytestmark = pytest.mark.browser


def embed_photos(page, url: str, gallery_id: str) -> int:
    page.goto(f"{url}/embed/g/{gallery_id}")
    page.wait_for_load_state("networkidle")
    return page.locator("img").count()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_collected_asked_granted_by_reply_approved_shown_then_withdrawn(page, live_server, app, brand):  # noqa: F811
    factories.member(brand.org, "owner@example.com")
    for body in JA_TEMPLATES:
        templates.create(
            brand.org, templates.TemplateData("ja", "", body, "yes_brand"), actor=Actor.system(), now=utcnow()
        )
    gallery = galleries.create_gallery(
        brand.org.id, galleries.GalleryData(name="夏の一杯"), actor=Actor.system(), now=utcnow()
    )
    db.session.commit()

    # 1. a post with the campaign hashtag on X is collected into the queue, with its source
    brand.tweet("1001", author="hanako_tea", text="#greentea 最高の一杯でした")
    source = brand.source("x_search")
    assert poll_source(source.id) == "polled"
    jobs.run_ready()
    entry = db.session.scalar(db.select(Entry).where(Entry.network_post_id == "1001"))
    assert entry is not None and entry.consent.scopes == []
    errors = []  # the embed page opened on its own (not framed) makes Chromium ask for /favicon.ico: not ours
    page.on(
        "console",
        lambda m: m.type == "error" and "favicon.ico" not in m.location["url"] and errors.append(m.text),
    )
    log_in(page, live_server.url, "owner@example.com")
    queue = f"{live_server.url}/studio/moderation/campaigns/{brand.campaign.public_id}"
    page.goto(f"{queue}?lang=en")
    item = page.locator(f"#q-{entry.public_id}")
    assert item.locator(".entry-source .badge").inner_text() == "X"
    assert "@hanako_tea" in item.inner_text() and "Rights: not requested" in item.inner_text()
    shoot(page, queue, "e2e-1-collected", owner="rights")

    # 2. a rights request goes out: a reply posted through the X API
    page.goto(f"{queue}?lang=en")
    with page.expect_navigation():
        page.locator(f"#q-{entry.public_id}").get_by_role("button", name="Ask for rights").click()
    [reply] = rights_fake(brand.state).x_posted
    assert reply["reply"] == {"in_reply_to_tweet_id": "1001"} and "#yes_brand" in reply["text"]
    assert "@hanako_tea" in reply["text"] and "/rights/" in reply["text"]
    assert request_for(entry).state is RightsState.REQUESTED

    # 3. the creator replies with the key hashtag; the next poll finds it: a verified grant
    rights_fake(brand.state).x_replies.append(
        {
            "id": "1002",
            "text": "@teabrand どうぞ使ってください！ #yes_brand",
            "author": "hanako_tea",
            "conversation_id": "1001",
        }
    )
    db.session.get(type(source), source.id).next_poll_at = None
    db.session.commit()
    poll_source(source.id)
    jobs.run_ready()
    request = request_for(entry)
    assert request.state is RightsState.GRANTED and request.proof is Proof.VERIFIED
    assert request.proof_post_id == "1002"
    page.goto(f"{queue}?lang=en")
    assert "Rights: granted (verified)" in page.locator(f"#q-{entry.public_id}").inner_text()
    assert embed_photos(page, live_server.url, gallery.public_id) == 0  # granted, not yet approved

    # 4. the marketer approves it; 5. it shows in the gallery embed
    page.goto(f"{queue}?lang=en")
    with page.expect_navigation():
        page.locator(f"#q-{entry.public_id} form.move-approve button").click()
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).status.value == "approved"
    assert embed_photos(page, live_server.url, gallery.public_id) == 1
    shoot(page, f"{live_server.url}/embed/g/{gallery.public_id}", "e2e-2-embed", owner="rights")
    keys = [d.public_key for d in db.session.get(Entry, entry.id).derivatives]
    assert keys and all(get_storage().exists(key) for key in keys)

    # 6. withdrawing the grant (the creator, on the rights page) removes it everywhere at once
    link = re.search(r"https?://\S+(/rights/\S+)", request.text).group(1)
    page.goto(f"{live_server.url}{link}?lang=ja")
    with page.expect_navigation():
        page.click("text=許諾を取り消す")
    assert request_for(entry).state is RightsState.WITHDRAWN
    assert embed_photos(page, live_server.url, gallery.public_id) == 0
    api = page.context.request.get(f"{live_server.url}/api/v1/galleries/{gallery.public_id}").json()
    assert entry.public_id not in [i["id"] for i in api["items"]]
    snapshot = json.loads(get_storage().get(snapshot_key(gallery, "gallery.json")))
    assert entry.public_id not in [i["id"] for i in snapshot["items"]]
    assert not any(get_storage().exists(key) for key in keys)
    assert errors == []
