"""A grant is a consent: the same gate decides every public surface. Nothing collected is public without
approval and a grant covering the surface; withdrawing the grant removes the photo everywhere at once."""

import json
import re

from sqlalchemy import select

from campaign import jobs
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.galleries.snapshots import snapshot_key
from campaign.reviews.models import Review, ReviewStatus
from campaign.rights.detection import scan_replies
from campaign.rights.models import Proof, RightsState
from campaign.storage import get_storage
from tests.conftest import csrf_from
from tests.fixtures.social_apis import rights_fake
from tests.rights.helpers import actions, add_templates, ask, collected, connect, request_for


def rights_link(entry) -> str:
    return re.search(r"https?://\S+(/rights/\S+)", request_for(entry).text).group(1)


def answer(client, link: str, what: str, **headers):
    page = client.get(link, headers=headers)
    return client.post(f"{link}/{what}", data={"csrf_token": csrf_from(page.text)}, headers=headers)


def gallery_ids(client, gallery) -> list[str]:
    return [item["id"] for item in client.get(f"/api/v1/galleries/{gallery.public_id}").json["items"]]


def snapshot_ids(gallery) -> list[str]:
    return [
        item["id"] for item in json.loads(get_storage().get(snapshot_key(gallery, "gallery.json")))["items"]
    ]


def public_objects(entry) -> list[str]:
    storage = get_storage()
    return [d.public_key for d in entry.derivatives if storage.exists(d.public_key)]


def asked_and_sent(brand, entry):
    ask(brand, entry)
    request = request_for(entry)
    brand.studio.post(f"/studio/rights/requests/{request.public_id}/sent", form_page="/studio/rights/")


def recorded_by_the_team(brand, entry):
    """The team saw the creator's key-hashtag reply and records it: a grant that publishes."""
    request = request_for(entry)
    response = brand.studio.post(
        f"/studio/rights/requests/{request.public_id}/seen", form_page="/studio/rights/?state=all"
    )
    assert response.status_code == 303, response.text


def test_the_rights_page_says_what_is_granted_for_how_long_under_which_terms(brand):
    add_templates(brand)
    entry = collected(brand)
    asked_and_sent(brand, entry)
    client = brand.app.test_client()
    page = client.get(rights_link(entry))
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    for text in (
        "Photo galleries on the brand",
        "Product reviews",
        "24 months, until",
        "Terms version",
        "Yes, I allow it",
        "No, thank you",
        "#yes_brand",
    ):
        assert text in page.text
    ja = client.get(rights_link(entry), headers={"Accept-Language": "ja"})
    assert (
        "ブランドのサイト内のフォトギャラリー" in ja.text
        and "24か月" in ja.text
        and "はい、許諾します" in ja.text
    )
    assert client.get("/rights/not-a-token").status_code == 404


def test_nothing_collected_is_public_before_a_grant_even_when_approved(brand, client):
    add_templates(brand)
    gallery = brand.gallery()
    entry = collected(brand, approve=True)
    assert entry.status.value == "approved"
    assert entry.public_id not in gallery_ids(client, gallery)
    assert entry.public_id not in snapshot_ids(gallery)
    assert public_objects(entry) == []
    assert brand.publish_review(entry).status_code == 409
    assert client.get(f"/api/v1/oembed?url=http://localhost/e/{entry.public_id}").status_code in (400, 404)


def test_a_strangers_click_on_the_page_publishes_nothing(brand, client):
    """The link sits in a public reply: a fresh browser, no login, presses Yes. The click is recorded as
    someone's yes, but nothing is public: not the gallery API, snapshot, fragment, iframe, nor a review."""
    add_templates(brand)
    gallery = brand.gallery()
    entry = collected(brand, approve=True)
    asked_and_sent(brand, entry)
    response = answer(brand.app.test_client(), rights_link(entry), "grant")
    assert response.status_code == 303
    request = request_for(entry)
    assert request.state is RightsState.GRANTED and request.proof is Proof.UNVERIFIED
    db.session.refresh(entry)
    assert entry.consent.scopes == []
    assert entry.public_id not in gallery_ids(client, gallery)
    assert entry.public_id not in snapshot_ids(gallery)
    for page in (f"/embed/g/{gallery.public_id}", f"/embed/g/{gallery.public_id}/fragment.html"):
        assert entry.public_id not in client.get(page).text
    assert public_objects(entry) == []
    assert brand.publish_review(entry).status_code == 409
    assert "rights.grant" in actions(entry.public_id)
    page = brand.studio.client.get("/studio/moderation/?state=approved")
    assert "Rights: said yes on the page (awaiting the creator" in page.text
    assert "Rights: granted" not in page.text


def test_the_team_records_a_reply_it_saw_after_a_click_and_the_photo_is_published(brand, client):
    add_templates(brand)
    gallery = brand.gallery()
    entry = collected(brand, network="instagram", post_id="IGHASHTAG2", handle="", approve=True)
    asked_and_sent(brand, entry)
    answer(brand.app.test_client(), rights_link(entry), "grant")
    assert entry.public_id not in gallery_ids(client, gallery)
    recorded_by_the_team(brand, entry)
    request = request_for(entry)
    assert request.state is RightsState.GRANTED and request.proof is Proof.MANUAL
    db.session.refresh(entry)
    assert entry.consent.scopes == ["gallery", "review"] and entry.consent.terms_version == "1"
    assert entry.public_id in gallery_ids(client, gallery) and entry.public_id in snapshot_ids(gallery)
    assert public_objects(entry) and len(public_objects(entry)) == len(entry.derivatives)
    assert brand.publish_review(entry).status_code == 302
    assert actions(entry.public_id).count("rights.verify") == 1


def test_a_grant_covers_only_the_uses_asked_for(brand, client):
    add_templates(brand)
    brand.studio.post(
        "/studio/rights/settings",
        {"expiry_days": "14", "grant_months": "6", "scopes": ["ads"]},
        form_page="/studio/rights/templates",
    )
    gallery = brand.gallery()
    entry = collected(brand, approve=True)
    asked_and_sent(brand, entry)
    recorded_by_the_team(brand, entry)
    db.session.refresh(entry)
    assert entry.consent.scopes == ["ads"]
    assert entry.public_id not in gallery_ids(client, gallery)
    assert public_objects(entry) == []
    assert brand.publish_review(entry).status_code == 409


def test_withdrawing_on_the_page_removes_the_photo_everywhere_at_once(brand, client):
    add_templates(brand)
    gallery = brand.gallery()
    entry = collected(brand, approve=True)
    asked_and_sent(brand, entry)
    creator = brand.app.test_client()
    recorded_by_the_team(brand, entry)
    brand.publish_review(entry)
    keys = public_objects(entry)
    assert keys and entry.public_id in snapshot_ids(gallery)
    response = answer(creator, rights_link(entry), "withdraw")
    assert response.status_code == 303
    db.session.refresh(entry)
    assert entry.consent.scopes == [] and entry.status.value == "approved"  # moderation's decision stands
    assert request_for(entry).state is RightsState.WITHDRAWN
    assert entry.public_id not in gallery_ids(client, gallery)
    assert entry.public_id not in snapshot_ids(gallery)
    assert not any(get_storage().exists(key) for key in keys)
    assert db.session.scalar(select(Review)).status is ReviewStatus.WITHDRAWN
    assert actions(entry.public_id)[-1] == "rights.withdraw"
    # the brand cannot bring it back by asking again: the creator said no
    ask(brand, entry)
    assert request_for(entry).state is RightsState.WITHDRAWN


def test_the_marketer_can_withdraw_a_grant_for_the_creator(brand, client):
    add_templates(brand)
    gallery = brand.gallery()
    entry = collected(brand, approve=True)
    asked_and_sent(brand, entry)
    recorded_by_the_team(brand, entry)
    assert entry.public_id in gallery_ids(client, gallery)
    request = request_for(entry)
    response = brand.studio.post(
        f"/studio/rights/requests/{request.public_id}/withdraw", form_page="/studio/rights/?state=granted"
    )
    assert response.status_code == 303
    assert entry.public_id not in gallery_ids(client, gallery) and public_objects(entry) == []


def test_declining_on_the_page_is_recorded_and_nothing_is_published(brand, client):
    add_templates(brand)
    gallery = brand.gallery()
    entry = collected(brand, approve=True)
    asked_and_sent(brand, entry)
    stale = brand.app.test_client()
    token = csrf_from(stale.get(rights_link(entry)).text)
    answer(brand.app.test_client(), rights_link(entry), "decline")
    assert request_for(entry).state is RightsState.DECLINED
    assert entry.public_id not in gallery_ids(client, gallery)
    again = stale.post(f"{rights_link(entry)}/decline", data={"csrf_token": token})
    assert again.status_code == 409


def test_a_key_hashtag_reply_on_x_is_a_verified_grant(brand, client, social_apis):
    add_templates(brand)
    connect(brand, social_apis, "x")
    gallery = brand.gallery()
    entry = collected(brand, network="x", post_id="555", handle="sakura_tea", approve=True)
    ask(brand, entry)
    assert request_for(entry).state is RightsState.REQUESTED
    fake = rights_fake(social_apis.state)
    fake.x_replies.append(
        {"id": "556", "text": "@brand_a OK! #yes_brand", "author": "someone_else", "conversation_id": "555"}
    )
    assert scan_replies(now=utcnow()) == 0  # not the author
    fake.x_replies.append(
        {"id": "557", "text": "@brand_a どうぞ #yes_brand", "author": "sakura_tea", "conversation_id": "555"}
    )
    assert scan_replies(now=utcnow()) == 1
    request = request_for(entry)
    assert request.state is RightsState.GRANTED and request.proof is Proof.VERIFIED
    assert request.proof_post_id == "557"
    assert entry.public_id in gallery_ids(client, gallery)
    assert scan_replies(now=utcnow()) == 0  # a verified grant is not read again


def test_a_reply_after_a_page_click_turns_the_grant_verified_and_publishes(brand, client, social_apis):
    add_templates(brand)
    connect(brand, social_apis, "instagram")
    gallery = brand.gallery()
    entry = collected(
        brand,
        network="instagram",
        post_id="17900000000000009",
        handle="tea_lover",
        caption="@brand_a 夏のお茶",
        approve=True,
    )
    ask(brand, entry)
    answer(brand.app.test_client(), rights_link(entry), "grant")
    assert request_for(entry).proof is Proof.UNVERIFIED
    assert entry.public_id not in gallery_ids(client, gallery)
    fake = rights_fake(social_apis.state)
    fake.ig_comments["17900000000000009"] = [
        {"id": "c1", "text": "#yes_brand", "username": "impostor", "timestamp": "2026-12-03T10:00:00+0000"},
    ]
    scan_replies(now=utcnow())
    assert request_for(entry).proof is Proof.UNVERIFIED
    assert entry.public_id not in gallery_ids(client, gallery)  # not the author
    fake.ig_comments["17900000000000009"].append(
        {
            "id": "c2",
            "text": "もちろんです #YES_BRAND",
            "username": "tea_lover",
            "timestamp": "2026-12-03T10:05:00+0000",
        }
    )
    scan_replies(now=utcnow())
    jobs.run_ready()  # the snapshot's rebuild, queued by the grant's commit
    request = request_for(entry)
    assert request.proof is Proof.VERIFIED and request.proof_post_id == "c2"
    assert actions(entry.public_id)[-2:] == ["rights.grant", "rights.verify"]
    db.session.refresh(entry)
    assert entry.consent.scopes == ["gallery", "review"]
    assert entry.public_id in gallery_ids(client, gallery) and entry.public_id in snapshot_ids(gallery)
    assert public_objects(entry) and len(public_objects(entry)) == len(entry.derivatives)


def test_a_scan_that_meets_a_rate_limit_changes_nothing_and_tries_next_time(brand, social_apis):
    add_templates(brand)
    connect(brand, social_apis, "x")
    entry = collected(brand, network="x", post_id="777")
    ask(brand, entry)
    rights_fake(social_apis.state).x_replies.append(
        {"id": "778", "text": "#yes_brand", "author": "sakura_tea", "conversation_id": "777"}
    )
    social_apis.state.x_rate_limited = True
    assert scan_replies(now=utcnow()) == 0
    assert request_for(entry).state is RightsState.REQUESTED
    social_apis.state.x_rate_limited = False
    assert scan_replies(now=utcnow()) == 1


def test_a_grant_lasts_calendar_months():
    from datetime import UTC, datetime

    from campaign.rights.services import months_after

    assert months_after(datetime(2026, 12, 3, tzinfo=UTC), 24) == datetime(2028, 12, 3, tzinfo=UTC)
    assert months_after(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)


def test_the_team_records_a_reply_it_saw_itself_as_a_grant_seen_by_the_team(brand, client):
    add_templates(brand)
    gallery = brand.gallery()
    entry = collected(brand, network="instagram", post_id="IGHASHTAG1", approve=True)
    asked_and_sent(brand, entry)
    request = request_for(entry)
    response = brand.studio.post(
        f"/studio/rights/requests/{request.public_id}/seen", form_page="/studio/rights/"
    )
    assert response.status_code == 303
    request = request_for(entry)
    assert request.state is RightsState.GRANTED and request.proof is Proof.MANUAL
    assert entry.public_id in gallery_ids(client, gallery)
    again = brand.studio.post(
        f"/studio/rights/requests/{request.public_id}/seen", form_page="/studio/rights/"
    )
    assert again.status_code == 409


def test_erasing_the_entry_forgets_the_request_text_that_names_the_creator(brand):
    from campaign.audit.services import Actor
    from campaign.privacy.erasure import erase_entry

    add_templates(brand)
    entry = collected(brand, handle="private_name")
    asked_and_sent(brand, entry)
    assert "@private_name" in request_for(entry).text
    erase_entry(entry, actor=Actor.system(), now=utcnow())
    db.session.commit()
    request = request_for(entry)
    assert request.text == "" and request.state is RightsState.REQUESTED


def test_a_deleted_post_skips_only_its_own_request_and_is_recorded(brand, social_apis):
    """Graph's 100/33 on one post concerns that post: the other requests on the network are still read."""
    add_templates(brand)
    connect(brand, social_apis, "instagram")
    gone = collected(
        brand,
        network="instagram",
        post_id="17900000000000001",
        handle="gone_user",
        caption="@brand_a 消えた投稿",
    )
    kept = collected(
        brand,
        network="instagram",
        post_id="17900000000000002",
        handle="tea_lover",
        caption="@brand_a 夏のお茶",
    )
    ask(brand, gone, kept)
    fake = rights_fake(social_apis.state)  # no comments for the first media: the API says it does not exist
    fake.ig_comments["17900000000000002"] = [
        {"id": "c9", "text": "#yes_brand", "username": "tea_lover", "timestamp": "2026-12-03T10:00:00+0000"}
    ]
    assert scan_replies(now=utcnow()) == 1
    assert request_for(kept).state is RightsState.GRANTED and request_for(kept).proof is Proof.VERIFIED
    assert request_for(gone).state is not RightsState.GRANTED
    assert request_for(gone).last_error == "reply_unreadable"
    page = brand.studio.client.get("/studio/rights/?state=all&lang=en").text
    assert "Replies to this post cannot be read through the API" in page
    asked = len(social_apis.state.requests)
    scan_replies(now=utcnow())
    assert len(social_apis.state.requests) == asked  # the gone post is not asked about again


def test_an_expired_token_stops_the_scan_of_that_network(brand, social_apis):
    add_templates(brand)
    connect(brand, social_apis, "instagram")
    first = collected(
        brand, network="instagram", post_id="17900000000000003", handle="a_user", caption="@brand_a 一枚目"
    )
    second = collected(
        brand, network="instagram", post_id="17900000000000004", handle="b_user", caption="@brand_a 二枚目"
    )
    ask(brand, first, second)
    social_apis.state.ig_access_token = "rotated"  # ours no longer works: error 190
    before = len(social_apis.state.requests)
    assert scan_replies(now=utcnow()) == 0
    assert len(social_apis.state.requests) == before + 1  # one refusal, then the network is left alone
    assert request_for(first).last_error == "" and request_for(second).last_error == ""
