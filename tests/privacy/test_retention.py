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
    assert "Erased 0 emails and 0 originals in 0 campaigns" in result.output  # winners may still claim
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
    assert "summer: 5 emails, 1 originals" in dry.stdout, dry.output
    assert dry.stderr.splitlines()[-1] == "campaigns done: 1/1"  # progress on stderr, results on stdout
    assert "Would erase 5 emails and 1 originals in 1 campaigns" in dry.output
    assert all(entry.email for entry in _entries(campaign))

    result = runner.invoke(args=["privacy", "retention"])
    assert "Erased 5 emails and 1 originals in 1 campaigns" in result.output, result.output
    db.session.expire_all()
    entries = _entries(campaign)
    assert all(
        e.email == e.email_normalised == e.social_handle == "" and e.person_slot is None for e in entries
    )
    assert {e.public_id: e.participant_token for e in entries} == tokens
    storage = get_storage()
    assert not storage.exists(rejected_original) and storage.exists(kept_original)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.retention"))
    assert event.after == {"emails": 5, "originals": 1, "retention_days": 2}
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
    assert results["privacy-retention"] == "5 emails and 1 originals erased in 1 campaigns"
    db.session.expire_all()
    assert all(entry.email == "" for entry in _entries(campaign))
