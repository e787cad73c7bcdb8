"""At draw time the organisation's connector checks the drawn winners only; a failure lets the next
alternate step up; an API that cannot answer leaves the check to the marketer."""

import pytest
from sqlalchemy import select

from campaign import jobs
from campaign.audit.models import AuditEvent
from campaign.audit.services import Actor
from campaign.campaigns.settings import PrizeData
from campaign.clock import utcnow
from campaign.connectors import services as connectors
from campaign.connectors.models import ConnectorAccount
from campaign.draws.models import Draw, PickState
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from tests import factories
from tests.draws.helpers import close, enter, launched_campaign, set_status, studio_setup

SOCIAL = dict(allows_follow_and_post=True, brand_handle="brand", hashtags=["tea"])


def social_draw(client, studio, social_apis, people=4):
    org, _ = studio_setup()
    connectors.configure(
        org.id,
        "x",
        account_id="900",
        token="x-token",
        secret="test-secret",
        actor=Actor.system(),
        now=utcnow(),
        base_url=social_apis.url,
    )
    db.session.commit()
    campaign = launched_campaign(org, prizes=[PrizeData(name="Tea set", quantity=1)], **SOCIAL)
    state = social_apis.state
    for n in range(people):
        post = f"https://x.com/user{n}/status/{1000 + n}"
        state.tweets.append({"id": str(1000 + n), "text": "#tea", "author": f"user{n}"})
        state.x_users[f"user{n}"] = str(n + 1)
        entry = enter(client, campaign, f"p{n}@example.com", social_handle=f"user{n}", post_url=post)
        set_status(entry, EntryStatus.APPROVED)
    close(campaign)
    return campaign


def run(studio, campaign, language="en"):
    studio.login("drawer@example.com", factories.PASSWORD)
    page = f"/studio/campaigns/{campaign.public_id}/draw"
    posted = studio.post(f"{page}?lang={language}", {"password": factories.PASSWORD}, form_page=page)
    assert posted.status_code == 303
    return db.session.scalar(select(Draw))


def test_a_winner_not_following_is_excluded_and_the_next_alternate_verified(client, studio, social_apis):
    campaign = social_draw(client, studio, social_apis)
    state = social_apis.state
    state.x_followers = [str(n + 1) for n in range(4)]
    # The first-ranked person will turn out not to follow: work out who, without the API, from the seed.
    from campaign.draws import algorithm, eligibility, participants, services

    plan = services.plan_of(campaign)
    seed = services.sealing.unseal("test-secret", services.SEED_PURPOSE, plan.seed_sealed)
    pool = eligibility.pool(
        campaign, plan.eligibility, participants.key_for("test-secret", campaign.public_id)
    )
    ranking = algorithm.rank(
        seed, "", pool.entries, [algorithm.PrizeSlots("p", 1, 1)], version=plan.algorithm
    )
    first = ranking.picks[0].entry_id
    first_handle = next(e.social_handle for e in campaign_entries(campaign) if e.public_id == first)
    state.x_followers.remove(state.x_users[first_handle])

    draw = run(studio, campaign)
    winner, alternate = sorted(draw.picks, key=lambda p: p.position)
    assert winner.entry.public_id == first
    assert (winner.state, winner.excluded_reason) == (PickState.EXCLUDED, "not_following")
    assert alternate.state is PickState.NOTIFIED and "confirmed" in alternate.check_note
    # Only the two drawn people were looked up, not all four entrants.
    lookups = [r for r in state.requests if r.startswith("/2/users/by/username/")]
    assert len(lookups) == 2
    assert db.session.scalar(select(ConnectorAccount)).token_sealed.count("x-token") == 0
    shown = studio.client.get(f"/studio/campaigns/{campaign.public_id}/draw?lang=ja").text
    assert "除外（フォローなし）" in shown and "not_following" not in shown


def test_the_check_note_is_written_in_the_drawers_language(client, studio, social_apis):
    campaign = social_draw(client, studio, social_apis, people=2)
    social_apis.state.x_followers = ["1", "2"]
    draw = run(studio, campaign, language="ja")
    winner = next(p for p in draw.picks if p.role == "winner")
    assert winner.check_note == "X API で投稿とフォローを確認しました。"
    shown = studio.client.get(f"/studio/campaigns/{campaign.public_id}/draw?lang=ja").text
    assert "通知済み（受け取り手続き待ち）" in shown and winner.check_note in shown


def test_a_rate_limited_check_is_left_to_the_marketer(client, studio, social_apis):
    campaign = social_draw(client, studio, social_apis, people=3)
    social_apis.state.x_rate_limited = True
    draw = run(studio, campaign)
    winner = next(p for p in draw.picks if p.role == "winner")
    assert winner.state is PickState.CHECKING
    assert "rate limit" in winner.check_note


def test_a_check_refused_for_its_token_is_left_to_the_marketer_and_marks_the_connection(
    client, studio, social_apis, smtp_server
):
    """Walked: the draw's check met a revoked token as a plain failure; nobody was told to reconnect."""
    campaign = social_draw(client, studio, social_apis, people=2)
    social_apis.state.revoke_x_token()
    draw = run(studio, campaign)
    jobs.run_ready()
    winner = next(p for p in draw.picks if p.role == "winner")
    assert winner.state is PickState.CHECKING and "Check by hand" in winner.check_note
    account = db.session.scalar(select(ConnectorAccount))
    assert account.needs_reconnection and "401" in account.refused_detail
    (mail,) = smtp_server.messages
    assert mail["To"] == "drawer@example.com"
    expired = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "connector.expired"))
    assert expired.object_id == "x"


def campaign_entries(campaign):
    from campaign.entries.models import Entry

    return db.session.scalars(select(Entry).where(Entry.campaign_id == campaign.id)).all()


def test_cli_stores_the_token_sealed(runner):
    org = factories.org()
    result = runner.invoke(
        args=["draws", "connect", org.slug, "x", "--account-id", "900", "--base-url", "http://127.0.0.1:1"],
        input="secret-bearer\n",
    )
    assert result.exit_code == 0, result.output
    account = db.session.scalar(select(ConnectorAccount))
    assert "secret-bearer" not in account.token_sealed
    assert (
        connectors.connector_for(org.id, "x", "test-secret").headers["Authorization"]
        == "Bearer secret-bearer"
    )


@pytest.mark.parametrize(
    ("url", "said"),
    [("http://api.example", "https://"), ("https://127.0.0.1:8443", "プライベートまたはローカル")],
)
def test_cli_refuses_plain_http_and_our_own_network(app, runner, url, said):
    app.config["OUTBOUND_ALLOW_PRIVATE"] = False  # as in production (the CLI speaks the default language, ja)
    org = factories.org()
    result = runner.invoke(
        args=["draws", "connect", org.slug, "x", "--account-id", "900", "--base-url", url],
        input="secret-bearer\n",
    )
    assert result.exit_code != 0 and said in result.output
    assert db.session.scalar(select(ConnectorAccount)) is None
