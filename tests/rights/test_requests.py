"""Asking for rights from the queue: by hand (copy, mark as sent) or through the network's API (outbox,
retried), with the network's failures kept as a reason and the state left "to send"."""

from datetime import timedelta

from sqlalchemy import select

from campaign import outbox, schedule
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.outbox import OutboxJob
from campaign.rights.models import RightsState
from tests.fixtures.social_apis import (
    rights_fake,
    x_rate_limited_answer,
    x_unauthorised_answer,
    x_unavailable_answer,
)
from tests.rights.helpers import EN_TEMPLATES, actions, add_templates, ask, collected, connect, request_for


def test_without_a_connected_account_the_request_is_copy_ready_and_marked_sent_by_hand(brand):
    add_templates(brand)
    entry = collected(brand, network="instagram", post_id="IG1")
    response = ask(brand, entry)
    assert response.headers["Location"].endswith("/studio/rights/")
    page = brand.studio.client.get("/studio/rights/")
    request = request_for(entry)
    assert request.state is RightsState.TO_SEND and request.delivery == "manual"
    assert request.text in page.text and 'data-copy="text-' in page.text and "Mark as sent" in page.text
    assert "@sakura_tea" in request.text and "/rights/" in request.text
    brand.studio.post(f"/studio/rights/requests/{request.public_id}/sent", form_page="/studio/rights/")
    request = request_for(entry)
    assert request.state is RightsState.REQUESTED
    assert request.expires_at - request.sent_at == timedelta(days=14)
    assert actions(entry.public_id)[-2:] == ["rights.request", "rights.sent"]
    again = brand.studio.post(
        f"/studio/rights/requests/{request.public_id}/sent", form_page="/studio/rights/"
    )
    assert again.status_code == 409 and "sent already" in again.text


def test_english_captions_get_english_templates(brand):
    add_templates(brand)
    add_templates(brand, "en", EN_TEMPLATES)
    entry = collected(brand, caption="Best tea ever #summer_tea")
    ask(brand, entry)
    assert request_for(entry).language == "en" and "Reply #yes_brand" in request_for(entry).text


def test_uploads_and_answered_requests_are_skipped_with_the_reason(brand):
    add_templates(brand)
    upload = brand.entry()
    entry = collected(brand)
    ask(brand, upload, entry)
    page = brand.studio.client.get("/studio/rights/")
    assert request_for(upload) is None and request_for(entry) is not None
    ask(brand, entry)
    page = brand.studio.client.get("/studio/moderation/")
    assert (
        "Already asked." in page.text or "Already asked." in brand.studio.client.get("/studio/rights/").text
    )


def test_an_x_post_gets_a_reply_through_the_api(brand, social_apis):
    add_templates(brand)
    connect(brand, social_apis, "x")
    entry = collected(brand, network="x", post_id="1850000000000000001")
    ask(brand, entry)
    posted = rights_fake(social_apis.state).x_posted
    assert len(posted) == 1
    assert posted[0]["reply"] == {"in_reply_to_tweet_id": "1850000000000000001"}
    request = request_for(entry)
    assert request.state is RightsState.REQUESTED and request.delivery == "api"
    assert posted[0]["text"] == request.text and request.reply_post_id == posted[0]["id"]
    assert db.session.scalar(select(OutboxJob)) is None


def test_api_failures_keep_the_request_to_send_with_a_translated_reason_and_retry(brand, social_apis):
    add_templates(brand)
    connect(brand, social_apis, "x")
    fake = rights_fake(social_apis.state)
    fake.fail_posts = [x_rate_limited_answer(reset_in=1800)]
    entry = collected(brand, network="x", post_id="42")
    ask(brand, entry)
    request = request_for(entry)
    assert request.state is RightsState.TO_SEND and request.last_error == "rate_limited"
    assert request.not_before > utcnow() + timedelta(minutes=25)
    page = brand.studio.client.get("/studio/rights/", headers={"Accept-Language": "ja"})
    assert "レート制限" in page.text
    job = db.session.scalar(select(OutboxJob))
    assert job is not None and job.attempts == 1
    # the outbox's back-off comes before X's reset: the job waits without calling the API
    posts_before = len([r for r in social_apis.state.requests if r.startswith("POST")])
    outbox.drain(now=utcnow() + timedelta(hours=1))
    assert len([r for r in social_apis.state.requests if r.startswith("POST")]) == posts_before
    # after the reset: a 401, then a 503, then it goes
    fake.fail_posts = [x_unauthorised_answer(), x_unavailable_answer()]
    request = request_for(entry)
    request.not_before = None
    db.session.commit()
    outbox.drain(now=utcnow() + timedelta(hours=2))
    assert request_for(entry).last_error == "unauthorised"
    outbox.drain(now=utcnow() + timedelta(hours=4))
    assert request_for(entry).last_error in ("unreachable", "api")
    assert request_for(entry).state is RightsState.TO_SEND
    outbox.drain(now=utcnow() + timedelta(hours=8))
    request = request_for(entry)
    assert request.state is RightsState.REQUESTED and request.last_error == ""
    assert len(fake.x_posted) == 1


def test_instagram_replies_through_the_api_only_on_posts_that_mention_the_brand(brand, social_apis):
    add_templates(brand)
    connect(brand, social_apis, "instagram")
    mention = collected(
        brand, network="instagram", post_id="17900000000000001", caption="@brand_a 最高のお茶"
    )
    hashtag = collected(
        brand, network="instagram", post_id="17900000000000002", caption="#summer_tea 最高", handle="other"
    )
    ask(brand, mention, hashtag)
    posted = rights_fake(social_apis.state).ig_posted
    assert [p["media_id"] for p in posted] == ["17900000000000001"]
    assert request_for(mention).state is RightsState.REQUESTED
    assert request_for(hashtag).delivery == "manual" and request_for(hashtag).state is RightsState.TO_SEND


def test_an_unanswered_request_expires_after_the_organisations_days(brand):
    add_templates(brand)
    response = brand.studio.post(
        "/studio/rights/settings",
        {"expiry_days": "3", "grant_months": "12", "scopes": ["gallery"]},
        form_page="/studio/rights/templates",
    )
    assert response.status_code == 303
    entry = collected(brand)
    ask(brand, entry)
    request = request_for(entry)
    brand.studio.post(f"/studio/rights/requests/{request.public_id}/sent", form_page="/studio/rights/")
    assert request_for(entry).expires_at - request_for(entry).sent_at == timedelta(days=3)
    schedule.tick(
        now=utcnow() + timedelta(days=2),
        duties=tuple(d for d in schedule.registered() if d.name == "rights-expire"),
    )
    assert request_for(entry).state is RightsState.REQUESTED
    schedule.tick(
        now=utcnow() + timedelta(days=4),
        duties=tuple(d for d in schedule.registered() if d.name == "rights-expire"),
    )
    assert request_for(entry).state is RightsState.EXPIRED
    assert actions(entry.public_id)[-1] == "rights.expire"


def test_bad_settings_are_refused_and_change_nothing(brand):
    for data, message in (
        ({"expiry_days": "0", "grant_months": "12", "scopes": ["gallery"]}, "between 1 and 90 days"),
        ({"expiry_days": "7", "grant_months": "999", "scopes": ["gallery"]}, "between 1 and 120 months"),
        ({"expiry_days": "7", "grant_months": "12"}, "at least one use"),
    ):
        response = brand.studio.post("/studio/rights/settings", data, form_page="/studio/rights/templates")
        assert response.status_code == 400 and message in response.text
    from campaign.rights.models import RightsSettings

    assert db.session.scalar(select(RightsSettings)) is None
