"""Retention: N days after a campaign's draw and claims are over, its entrants' emails and unpublished
originals are erased; the draw still verifies."""

from datetime import timedelta

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.clock import utcnow
from campaign.draws.models import Draw, PickState
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from campaign.instant.models import InstantWinPlay
from campaign.privacy.retention import apply_retention
from campaign.storage import get_storage
from tests import factories
from tests.draws.helpers import PRIZES, close, enter, launched_campaign, set_status, studio_setup
from tests.instant.helpers import instant_campaign, play


def _entries(campaign) -> list[Entry]:
    return list(db.session.scalars(select(Entry).where(Entry.campaign_id == campaign.id).order_by(Entry.id)))


def _drawn_campaign(client, studio):
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    for name in ("ann", "ben", "cai", "dan"):
        set_status(enter(client, campaign, f"{name}@example.com", social_handle=name), EntryStatus.APPROVED)
    set_status(enter(client, campaign, "eve@example.com"), EntryStatus.REJECTED)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    page = f"/studio/campaigns/{campaign.public_id}/draw"
    assert studio.post(page, {"password": factories.PASSWORD}, form_page=page).status_code == 303
    return org, campaign, db.session.scalar(select(Draw))


def _age(campaign, draw, days: int) -> None:
    """Every moment of the campaign, its draw and its claims moves `days` into the past."""
    back = timedelta(days=days)
    campaign.closes_at -= back
    draw.drawn_at -= back
    for pick in draw.picks:
        pick.claim_deadline = pick.claim_deadline - back if pick.claim_deadline else None
    db.session.commit()


def test_a_drawn_campaign_is_erased_only_once_its_claims_are_over_and_still_verifies(client, studio, runner):
    org, campaign, draw = _drawn_campaign(client, studio)
    assert runner.invoke(args=["orgs", "retention", org.slug, "0"]).exit_code == 1  # at least a day
    assert runner.invoke(args=["orgs", "retention", org.slug, "2"]).exit_code == 0
    _age(campaign, draw, 5)
    result = runner.invoke(args=["privacy", "retention"])
    assert "Done: 0 entries erased whole, 0 emails and 0 originals erased in 0 campaigns" in result.output
    assert all(entry.email for entry in _entries(campaign))

    for pick in draw.picks:
        pick.state = PickState.SHIPPED if pick.role == "winner" else PickState.FORFEITED
        pick.shipped_at = utcnow() - timedelta(days=3) if pick.role == "winner" else None
    db.session.commit()
    rejected = _entries(campaign)[-1]
    rejected_original = rejected.original_key
    kept_original = _entries(campaign)[0].original_key
    tokens = {entry.public_id: entry.participant_token for entry in _entries(campaign)}

    dry = runner.invoke(args=["privacy", "retention", "--dry-run"])
    assert "summer: 1 entry erased whole, 5 emails and 5 originals erased" in dry.stdout, dry.output
    assert dry.stderr.splitlines()[-1] == "campaigns done: 1/1"  # progress on stderr, results on stdout
    assert "Would be: 1 entry erased whole, 5 emails and 5 originals erased in 1 campaign" in dry.output
    assert all(entry.email for entry in _entries(campaign))

    result = runner.invoke(args=["privacy", "retention"])
    assert "Done: 1 entry erased whole, 5 emails and 5 originals erased in 1 campaign" in result.output
    db.session.expire_all()
    entries = _entries(campaign)
    assert all(
        e.email == e.email_normalised == e.social_handle == "" and e.person_slot is None for e in entries
    )
    assert {e.public_id: e.participant_token for e in entries} == tokens
    storage = get_storage()
    assert not storage.exists(rejected_original) and not storage.exists(kept_original)  # as sent: it goes
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.retention"))
    assert event.after == {"emails": 5, "originals": 5, "erased": 1, "retention_days": 2}
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "organisation.retention"))

    verified = runner.invoke(args=["draws", "verify", "--", draw.public_id])
    assert verified.exit_code == 0 and "OK: draw" in verified.output, verified.output
    again = runner.invoke(args=["privacy", "retention"])
    assert "in 0 campaigns" in again.output


def test_an_instant_win_campaign_waits_for_its_wins_then_still_verifies(app, runner):
    campaign = instant_campaign(factories.org(), quantity=2)
    moments = [campaign.opens_at + timedelta(hours=h) for h in range(1, 6)]
    results = [play(campaign, f"p{n}@example.com", at) for n, at in enumerate(moments)]
    close(campaign)
    later = utcnow() + timedelta(days=91)
    assert apply_retention(now=later).campaigns == []  # a win not yet shipped or forfeited
    for result in results:
        if result.slot_id is not None:
            result.shipped_at = utcnow()
    db.session.commit()
    assert apply_retention(now=utcnow() + timedelta(days=89)).campaigns == []  # the default: 90 days
    summary = apply_retention(now=later)
    assert [(c.slug, c.emails) for c in summary.campaigns] == [(campaign.slug, 5)]
    assert all(play.entry.email == "" for play in db.session.scalars(select(InstantWinPlay)))
    verified = runner.invoke(args=["draws", "verify-instant", campaign.slug])
    assert verified.exit_code == 0 and "OK: 5 plays" in verified.output, verified.output


def test_the_tick_applies_retention_with_no_one_running_a_command(client, studio):
    """Walked: retention was a command someone had to remember; the scheduler's tick never ran it."""
    from campaign import schedule

    org, campaign, draw = _drawn_campaign(client, studio)
    for pick in draw.picks:
        pick.state = PickState.SHIPPED if pick.role == "winner" else PickState.FORFEITED
        pick.shipped_at = utcnow() - timedelta(days=3) if pick.role == "winner" else None
    org.retention_days = 2
    db.session.commit()
    _age(campaign, draw, 5)

    results = schedule.tick()
    done = "1 entry erased whole, 5 emails and 5 originals erased in 1 campaign"
    assert results["privacy-retention"] == done
    db.session.expire_all()
    assert all(entry.email == "" for entry in _entries(campaign))


def test_retention_erases_what_is_not_shown_and_still_finds_what_it_keeps(client, studio, runner, tmp_path):
    """An operator's walk-through: retention took the email and original of an entry never shown, but left
    its renditions (a copy of the photo up to 1600 px), caption and nickname, and its status page said it
    waited for review; a published photo taken down after retention kept everything for good; and a request
    by email found nothing once the address was gone, so the owner would have told the person nothing was
    held. A check of the fix: a kept photo was found by its address but not by its account, kept its
    original (as sent, metadata and all) and the caption behind its mask, and one whose consent went later
    was never erased. Now what is not shown is erased whole; a kept photo keeps what it shows and keyed
    hashes of its address and account; and the next run erases it once it is shown no more."""
    from campaign.entries.publication import publish
    from campaign.entries.status_links import status_token

    org, campaign, draw = _drawn_campaign(client, studio)
    for pick in draw.picks:
        pick.state = PickState.SHIPPED if pick.role == "winner" else PickState.FORFEITED
        pick.shipped_at = utcnow() - timedelta(days=3) if pick.role == "winner" else None
    org.retention_days = 2
    ann, ben, cai, dan, eve = _entries(campaign)  # four published; eve rejected
    ann.caption, ann.redacted_caption = "Call 090-3333-4444", "Call ■■■■■■■■■■■■■"
    ann.team_note = "the customer phoned"
    ben.social_handle, ben.post_url = "@Ben", "https://www.instagram.com/p/ben123/"  # an account on a network
    publish(cai, get_storage())  # its public copies, as an approval through moderation makes them
    db.session.commit()
    _age(campaign, draw, 5)
    eve_photos = [eve.original_key, *(d.key for d in eve.derivatives)]
    ann_renditions = [d.key for d in ann.derivatives]
    ann_original = ann.original_key
    assert len(eve_photos) > 1 and eve.caption and eve.nickname
    secret = client.application.secret_key
    eve_page, ann_page = (f"/s/{status_token(secret, e.public_id)}?lang=en" for e in (eve, ann))

    assert runner.invoke(args=["privacy", "retention"]).exit_code == 0
    db.session.expire_all()
    storage = get_storage()
    assert eve.erased_at is not None and eve.status is EntryStatus.REJECTED  # erased, not withdrawn
    assert (eve.caption, eve.nickname, eve.derivatives, eve.email) == ("", None, [], "")
    assert not any(storage.exists(key) for key in eve_photos)
    page = client.get(eve_page).text
    assert "the time we keep its entries' data has passed" in page and "waiting" not in page
    assert ann.erased_at is None and ann.email == "" and ann.person_digest and ann.nickname
    assert (ann.caption, ann.redacted_caption, ann.team_note) == ("Call ■■■■■■■■■■■■■", None, "")
    assert all(storage.exists(key) for key in ann_renditions) and not storage.exists(ann_original)
    assert ben.account_digest and ben.social_handle == ben.post_url == ""

    found = runner.invoke(
        args=["privacy", "export", org.slug, "Ann@example.com", "--out", str(tmp_path / "a.zip")]
    )
    assert found.exit_code == 0, found.output  # found by the keyed hash of the address retention erased
    by_account = [
        "privacy",
        "export",
        org.slug,
        "@Ben",
        "--network",
        "instagram",
        "--out",
        str(tmp_path / "b"),
    ]
    assert runner.invoke(args=by_account).exit_code == 0  # and by its account's
    erased = runner.invoke(args=["privacy", "erase", org.slug, "ben", "--network", "instagram"], input="y\n")
    assert erased.exit_code == 0 and "Erased 1 entry" in erased.output, erased.output

    set_status(ann, EntryStatus.WITHDRAWN)  # taken down after the retention ran
    cai_public = [d.public_key for d in cai.derivatives]
    assert cai_public and all(storage.exists(key) for key in cai_public)
    cai.consent.scopes = []  # a consent gone (a rights grant withdrawn), the entry still approved
    db.session.commit()
    again = runner.invoke(args=["privacy", "retention"])
    assert "2 entries erased whole" in again.output, again.output
    db.session.expire_all()
    assert ann.erased_at is not None and ann.caption == "" and ann.person_digest is None
    assert cai.erased_at is not None and cai.status is EntryStatus.APPROVED
    assert not any(storage.exists(key) for key in cai_public)  # its public copies too (a second check)
    assert not any(storage.exists(key) for key in ann_renditions)
    page = client.get(ann_page).text  # taken down, then erased by retention: not "you withdrew it"
    assert "the time we keep its entries' data has passed" in page and "withdrawn" not in page
    assert "in 0 campaigns" in runner.invoke(args=["privacy", "retention"]).output
    verified = runner.invoke(args=["draws", "verify", "--", draw.public_id])
    assert verified.exit_code == 0 and "OK: draw" in verified.output, verified.output
