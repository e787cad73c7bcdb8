"""A drawn winner collected from a network has no email: told on the network, never with personal data."""

from datetime import timedelta

from sqlalchemy import func, select

from campaign import jobs, outbox
from campaign.audit.models import AuditEvent
from campaign.campaigns.settings import PrizeData
from campaign.clock import utcnow
from campaign.connectors.services import account_of
from campaign.draws.models import Draw, PickState
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from campaign.outbox import OutboxJob
from campaign.rights.notices import public_text
from campaign.rights.templates import x_weighted_length
from tests import factories
from tests.draws.helpers import close, enter, launched_campaign, set_status, studio_setup
from tests.fixtures.social_apis import rights_fake


def draw_one_collected_winner(client, studio, social_apis, *, revoke_token: bool = False):
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
    if revoke_token:
        social_apis.state.revoke_x_token()
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
    assert "/claim/" not in reply["text"]  # in public, whoever opened it first could claim the prize
    assert "/c/summer/check" in reply["text"]
    assert x_weighted_length(reply["text"]) <= 280
    for personal in ("someone@example.com", "さくら", "someone"):
        assert personal not in reply["text"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "draw.notice_on_network"))
    assert event.after["channel"] == "reply"


def test_a_revoked_token_met_by_the_notice_marks_the_connection_once_and_the_notice_waits(
    client, studio, social_apis, smtp_server
):
    """Walked: only polls and rechecks marked a refused token; the notice job failed and retried in silence,
    and the studio never said to reconnect."""
    pick = draw_one_collected_winner(client, studio, social_apis, revoke_token=True)
    jobs.run_ready()
    account = account_of(pick.org_id, "x")
    assert account.needs_reconnection and "401" in account.refused_detail
    (mail,) = smtp_server.messages
    assert mail["To"] == "drawer@example.com" and "X" in mail["Subject"]
    waiting = db.session.scalar(select(OutboxJob).where(OutboxJob.func.endswith(":post_notice")))
    assert waiting is not None and waiting.attempts == 1  # retried once reconnected
    outbox.drain(now=utcnow() + timedelta(hours=1))  # the retry meets the same refusal: no second mail
    jobs.run_ready()
    assert len(smtp_server.messages) == 1
    expired = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "connector.expired")
    assert db.session.scalar(expired) == 1
    assert rights_fake(social_apis.state).x_dms == []


def test_the_draw_screen_gives_the_claim_message_for_a_winner_told_in_public(client, studio, social_apis):
    """The API could only reply in public: the marketer sends the claim link by hand from the brand's
    account, and the draw screen gives the exact message (in the winner's language)."""
    import re

    from campaign.draws.winners import claim_token

    rights_fake(social_apis.state).x_dm_closed.add("4242")
    pick = draw_one_collected_winner(client, studio, social_apis)
    page = client.get(f"/studio/campaigns/{pick.draw.campaign.public_id}/draw")
    assert page.status_code == 200
    [message] = re.findall(r"<textarea readonly[^>]*>([^<]*)</textarea>", page.text)
    assert f"/claim/{claim_token('test-secret', pick)}" in message and pick.notice_code in message
    assert "Tea set" in message


def test_the_campaign_page_says_winners_may_hear_on_the_network(client, studio, social_apis):
    """It used to promise "never by direct message" while winners collected from X got one."""
    pick = draw_one_collected_winner(client, studio, social_apis)
    slug = pick.draw.campaign.slug
    for url in (f"/c/{slug}", f"/c/{slug}/check"):
        page = client.get(url)
        assert page.status_code == 200
        assert "never contact winners by direct message" not in page.text
        assert "told by a direct message or a reply from" in page.text


def test_a_campaign_that_collects_nothing_from_networks_promises_email_only(client):
    from tests.draws.helpers import studio_setup

    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=[PrizeData(name="Tea set", quantity=1, value_jpy=5000)])
    page = client.get(f"/c/{campaign.slug}")
    assert page.status_code == 200
    assert "never contact winners by direct message" in page.text
    assert "told by a direct message" not in page.text


def test_a_public_reply_in_japanese_fits_x_even_with_a_long_prize_name(app):
    """X refuses a post over 280 (Japanese characters count twice): the prize name is cut, nothing else."""
    from types import SimpleNamespace

    entry = SimpleNamespace(locale="ja", network="x")
    prize = "北海道産の有機ほうじ茶と季節の和菓子を詰め合わせた特製ギフトボックス（木箱入り・限定100セット）"
    said = public_text(
        entry,
        "sakura_tea_lover_2026",
        prize=prize,
        title="夏の紅茶キャンペーン",
        deadline="2026/12/17 19:00 (Asia/Tokyo)",
        code="ABCD-EFGH",
        check="https://ugc.example.co.jp/c/natsu-no-koucha-2026/check",
    )
    assert x_weighted_length(said) <= 280
    assert said.startswith("@sakura_tea_lover_2026 ") and "ABCD-EFGH" in said and "/check" in said
    assert "/claim/" not in said and prize[:10] in said and prize not in said
