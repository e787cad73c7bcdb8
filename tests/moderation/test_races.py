"""Two moves of one entry at the same moment, on SQLite and PostgreSQL: decided one after the other, never
both from the same stale state (moderation.services.transition locks and re-reads the entry first)."""

import pytest
from sqlalchemy import func, select

from campaign.audit.models import AuditEvent
from campaign.audit.services import Actor
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.clock import utcnow
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from campaign.moderation import launch, services
from campaign.moderation.reasons import reasons_of
from campaign.orgs.models import Membership, Role
from tests.moderation.conftest import make_team, step
from tests.races import race

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def member(role: Role) -> tuple[Membership, Actor]:
    user = db.session.scalar(select(User).where(User.email == f"{role.value}@example.com"))
    return db.session.scalar(select(Membership).where(Membership.user_id == user.id)), Actor.member(user)


def mover(entry_id: int, action: str, role: Role | None, **kwargs):
    """A racer making one step as a member with `role`, or as the customer (None)."""

    def racer(ready):
        entry = db.session.get(Entry, entry_id)
        assert entry.status  # read now: the state this racer decides from
        membership, actor = member(role) if role is not None else (None, Actor.customer("203.0.113.9"))
        reason = reasons_of(entry.campaign.organisation)[0] if action == "reject" else None
        ready()
        services.transition(
            entry, action, actor=actor, membership=membership, now=utcnow(), reason=reason, **kwargs
        )

    return racer


def audited_moves(entry: Entry) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_id == entry.public_id, AuditEvent.action.like("entry.%"))
            .order_by(AuditEvent.id)
        )
    )


def assert_one_chain(entry: Entry) -> None:
    """Every audited move starts where the previous one ended."""
    events = [e for e in audited_moves(entry) if e.action != "entry.received"]
    for earlier, later in zip(events, events[1:], strict=False):
        assert later.before["status"] == earlier.after["status"], [(e.before, e.after) for e in events]


def test_a_withdrawal_racing_an_approval_stays_withdrawn_by_the_customer(team, app):
    entry, _ = team.entry()
    outcomes = race(app, mover(entry.id, "withdraw", None), mover(entry.id, "approve", Role.EDITOR))
    db.session.refresh(entry)
    assert entry.status is EntryStatus.WITHDRAWN and entry.withdrawn_by == "customer", outcomes
    assert outcomes[0] == "done"
    assert_one_chain(entry)


def test_a_withdrawal_racing_a_takedown_ends_withdrawn_by_the_customer(team, app):
    entry, _ = team.entry()
    step(team.studio(Role.EDITOR), entry, "approve")
    outcomes = race(
        app, mover(entry.id, "withdraw", None), mover(entry.id, "withdraw", Role.EDITOR, note="complaint")
    )
    # Withdrawal first: the takedown is refused. Takedown first: the customer's withdrawal still follows.
    assert outcomes in (["done", "moderation"], ["done", "done"]), outcomes
    db.session.refresh(entry)
    assert entry.withdrawn_by == "customer"  # final: the brand can never approve it again
    assert_one_chain(entry)


def test_an_approval_racing_a_rejection_never_leaves_an_approved_entry_with_a_reason(team, app):
    entry, _ = team.entry()
    outcomes = race(app, mover(entry.id, "approve", Role.EDITOR), mover(entry.id, "reject", Role.OWNER))
    db.session.refresh(entry)
    # Approval first: the rejection is refused. Rejection first: approving a rejected entry is a real move.
    assert outcomes in (["done", "moderation"], ["done", "done"]), outcomes
    assert entry.status is EntryStatus.APPROVED and entry.rejection_reason is None
    assert_one_chain(entry)


def test_launch_clicked_twice_launches_once(app):
    team = make_team(app, launch=False)
    campaign_id = team.campaign.id

    def launcher(ready):
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign.launched_at is None
        membership, actor = member(Role.OWNER)
        ready()
        launch.launch_or_request(campaign, actor=actor, membership=membership, now=utcnow())

    outcomes = race(app, launcher, launcher)
    assert sorted(outcomes) == ["done", "invalid_campaign"], outcomes
    launches = select(func.count()).where(AuditEvent.action == "campaign.launch")
    assert db.session.scalar(launches) == 1
