"""A drawn winner collected from a network has no email: told on the network, never with personal data."""

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.campaigns.services import PrizeData
from campaign.draws.models import Draw, PickState
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from tests import factories
from tests.draws.helpers import close, enter, launched_campaign, set_status, studio_setup
from tests.fixtures.social_apis import rights_fake


def draw_one_collected_winner(client, studio, social_apis):
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=[PrizeData(name="Tea set", quantity=1, value_jpy=5000)])
    entry = enter(client, campaign, "someone@example.com", nickname="さくら")
    entry.network, entry.network_post_id, entry.social_handle = "x", "1860000000000000001", "sakura_tea"
    entry.email = entry.email_normalised = ""
    set_status(entry, EntryStatus.APPROVED)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    saved = studio.post(
        "/studio/connectors/x",
        {"x-account_id": "999", "x-token": social_apis.state.x_bearer_token, "x-base_url": social_apis.url},
        form_page="/studio/connectors/",
    )
    assert saved.status_code == 303, saved.text
    social_apis.state.x_users["sakura_tea"] = "4242"
    url = f"/studio/campaigns/{campaign.public_id}/draw"
    assert studio.post(url, {"password": factories.PASSWORD}, form_page=url).status_code == 303
    pick = next(p for p in db.session.scalar(select(Draw)).picks if p.role == "winner")
    assert pick.state is PickState.NOTIFIED
    return pick


def test_a_winner_without_email_gets_an_x_direct_message_with_the_claim_link_and_code(
    client, studio, social_apis, smtp_server
):
    pick = draw_one_collected_winner(client, studio, social_apis)
    fake = rights_fake(social_apis.state)
    [dm] = fake.x_dms
    assert dm["participant_id"] == "4242"
    assert pick.notice_code in dm["text"] and "/claim/" in dm["text"] and "/c/summer/check" in dm["text"]
    assert fake.x_posted == []  # nothing public
    assert smtp_server.messages == []  # no mail to an empty address
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "draw.notice_on_network"))
    assert event.after["channel"] == "dm"


def test_when_x_refuses_the_message_a_public_reply_carries_no_personal_data(client, studio, social_apis):
    rights_fake(social_apis.state).x_dm_closed.add("4242")
    pick = draw_one_collected_winner(client, studio, social_apis)
    fake = rights_fake(social_apis.state)
    assert fake.x_dms == []
    [reply] = fake.x_posted
    assert reply["reply"] == {"in_reply_to_tweet_id": "1860000000000000001"}
    assert reply["text"].startswith("@sakura_tea ") and pick.notice_code in reply["text"]
    for personal in ("someone@example.com", "さくら", "someone"):
        assert personal not in reply["text"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "draw.notice_on_network"))
    assert event.after["channel"] == "reply"
