"""Participant tokens: one per person, stamped at receipt, joined across a shared social account, opaque."""

import hashlib

from sqlalchemy import select, update

from campaign.campaigns.settings import PrizeData
from campaign.draws import frozen, participants
from campaign.draws.models import Draw
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from tests import factories
from tests.draws.helpers import close, enter, launched_campaign, set_status, studio_setup

KEY = b"k" * 32


def test_tokens_are_per_email_and_hide_it():
    a = participants.token(KEY, "a@example.com")
    assert a == participants.token(KEY, "a@example.com") != participants.token(KEY, "b@example.com")
    assert len(a) == 32 and hashlib.sha256(b"a@example.com").hexdigest()[:32] != a
    assert participants.token(b"other key" * 4, "a@example.com") != a


def test_social_accounts_come_from_the_posts_network():
    assert participants.social_account("@Hanako", "https://www.instagram.com/p/1/") == "instagram:hanako"
    assert participants.social_account("＠hanako", "https://twitter.com/hanako/status/9") == "x:hanako"
    assert participants.social_account("hanako", "https://example.com/p/1") is None
    assert participants.social_account("", "https://x.com/a/status/1") is None


def test_tokens_sharing_an_account_join_the_smallest_even_through_a_chain():
    merged = participants.joined(
        [
            ("instagram:hanako", "t3"),
            ("instagram:hanako", "t2"),
            ("x:hanako", "t2"),
            ("x:hanako", "t9"),  # t9 meets t3 only through t2
            ("x:taro", "t5"),  # alone: not in the map
        ]
    )
    assert merged == {"t3": "t2", "t9": "t2"}
    assert participants.joined([("x:a", "t1"), ("x:b", "t1")]) == {}


def test_entries_are_stamped_when_received_and_a_shared_account_makes_one_person_at_the_draw(client, studio):
    campaign = _follow_and_post_campaign()
    hanako = enter(
        client,
        campaign,
        "hanako@example.com",
        social_handle="hanako",
        post_url="https://x.com/hanako/status/1",
    )
    again = enter(  # another email, the same X account
        client, campaign, "h2@example.com", social_handle="@Hanako", post_url="https://x.com/hanako/status/2"
    )
    taro = enter(
        client, campaign, "taro@example.com", social_handle="taro", post_url="https://x.com/taro/status/3"
    )
    key = participants.key_for(client.application.secret_key, campaign.public_id)
    assert hanako.participant_token == participants.token(key, "hanako@example.com")
    assert (hanako.social_account, again.social_account) == ("x:hanako", "x:hanako")
    assert again.participant_token != hanako.participant_token  # joined at the draw, not at receipt
    for entry in (hanako, again, taro):
        set_status(entry, EntryStatus.APPROVED)
    draw = _drawn(studio, campaign)
    tokens = dict(line.split(" ") for line in frozen.lines_of(draw))
    assert (
        tokens[hanako.public_id]
        == tokens[again.public_id]
        == min(hanako.participant_token, again.participant_token)
    )
    assert tokens[taro.public_id] == taro.participant_token
    assert len(draw.picks) == 2  # five prizes, two people


def test_the_draw_stamps_entries_that_were_never_stamped(client, studio):
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=[PrizeData(name="Tea", quantity=3)], entries_per_person=2)
    entries = [
        enter(client, campaign, email) for email in ("a@example.com", "A@example.com", "b@example.com")
    ]
    for entry in entries:
        set_status(entry, EntryStatus.APPROVED)
    db.session.execute(update(Entry).values(participant_token=None, social_account=None))  # as before 0008
    db.session.commit()
    draw = _drawn(studio, campaign)
    assert draw.entry_count == 3 and len(draw.picks) == 2  # a@ and A@ are one mailbox, one person
    key = participants.key_for(client.application.secret_key, campaign.public_id)
    stamped = db.session.scalars(select(Entry.participant_token).order_by(Entry.id)).all()
    assert stamped == [participants.token(key, e.email_normalised) for e in entries]


def test_an_excluded_entry_with_no_token_sharing_an_account_joins_nobody(client, studio):
    """An excluded entry is never stamped by the draw, so its token may stay NULL: the shared-account join
    compared it with the others' tokens and the draw failed with a 500 (walk-through find)."""
    campaign = _follow_and_post_campaign()
    han = enter(
        client, campaign, "han@example.com", social_handle="han", post_url="https://x.com/han/status/1"
    )
    alt = enter(
        client, campaign, "han.alt@example.com", social_handle="@Han", post_url="https://x.com/han/status/2"
    )
    refused = enter(
        client, campaign, "r@example.com", social_handle="han", post_url="https://x.com/han/status/3"
    )
    set_status(han, EntryStatus.APPROVED)
    set_status(alt, EntryStatus.APPROVED)
    set_status(refused, EntryStatus.REJECTED)
    db.session.execute(update(Entry).where(Entry.id == refused.id).values(participant_token=None))
    db.session.commit()
    draw = _drawn(studio, campaign)
    tokens = dict(line.split(" ") for line in frozen.lines_of(draw))
    assert tokens[han.public_id] == tokens[alt.public_id] and refused.public_id not in tokens
    assert len(draw.picks) == 1  # the two emails of one X account are one person


def _follow_and_post_campaign():
    """A launched follow-and-post campaign on X with five prizes."""
    org, _ = studio_setup()
    return launched_campaign(
        org,
        prizes=[PrizeData(name="Tea", quantity=5)],
        allows_follow_and_post=True,
        brand_handle="brand",
        hashtags=["tea"],
    )


def _drawn(studio, campaign) -> Draw:
    """Closes the campaign and draws it from the studio, as the drawer."""
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    page = f"/studio/campaigns/{campaign.public_id}/draw"
    assert studio.post(page, {"password": factories.PASSWORD}, form_page=page).status_code == 303
    return db.session.scalar(select(Draw))
