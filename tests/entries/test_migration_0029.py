"""Migration 0029 on existing data: takedowns are remembered (from the audit trail for entries the customer
withdrew since), and an erased entry keeps no fingerprint of its address, nor of a photo the brand had not
refused."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.entries import services
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.moderation.reasons import reasons_of
from campaign.moderation.services import transition
from campaign.orgs.models import Membership, Role
from campaign.privacy.erasure import erase_entry
from tests import factories
from tests.entries.test_migration_0015 import empty_database, migrating_app  # noqa: F401 (fixtures)
from tests.moderation.conftest import make_team


def test_0029_remembers_takedowns_and_forgets_erased_fingerprints(migrating_app):  # noqa: F811
    team = make_team(migrating_app)
    owner = db.session.scalar(select(Membership).where(Membership.role == Role.OWNER))
    move = {"actor": Actor.member(owner.user), "membership": owner}

    def entry(n: int) -> Entry:
        made, _ = team.entry(email=f"p{n}@example.com", photo=factories.photo(colour=(20 * n, 10, 10)))
        return made

    def brand(made: Entry, *actions: str) -> None:
        for action in actions:
            note = "権利の確認中" if action == "withdraw" else ""
            transition(made, action, **move, now=utcnow(), note=note)

    taken_down, withdrawn_after, reapproved, erased, erased_refused, kept = (entry(n) for n in range(1, 7))
    brand(taken_down, "approve", "withdraw")
    brand(withdrawn_after, "approve", "withdraw")
    services.withdraw(withdrawn_after, now=utcnow())  # the customer's word after the takedown
    brand(reapproved, "approve", "withdraw", "reapprove")
    services.withdraw(reapproved, now=utcnow())
    erase_entry(erased, actor=Actor.customer(""), now=utcnow())
    transition(erased_refused, "reject", **move, now=utcnow(), reason=reasons_of(team.org)[0])
    erase_entry(erased_refused, actor=Actor.customer(""), now=utcnow())
    db.session.commit()
    ids = [e.id for e in (taken_down, withdrawn_after, reapproved, erased, erased_refused, kept)]
    db.session.remove()

    downgrade(revision="0028")
    with db.engine.begin() as connection:  # the layout before: erased entries kept both (plain SQL)
        connection.execute(
            text(
                "UPDATE entries SET content_hash = 'c', perceptual_hash = 'p', idempotency_key = 'k' || id"
                " WHERE erased_at IS NOT NULL"
            )
        )
    db.session.remove()

    upgrade(revision="heads")
    taken_down, withdrawn_after, reapproved, erased, erased_refused, kept = (
        db.session.get(Entry, i) for i in ids
    )
    assert taken_down.taken_down_at == taken_down.withdrawn_at is not None
    assert (
        withdrawn_after.taken_down_at is not None and not withdrawn_after.taken_back
    )  # from the audit trail
    assert (
        reapproved.taken_down_at is None and reapproved.taken_back
    )  # approved again before it was withdrawn
    assert (erased.content_hash, erased.perceptual_hash, erased.idempotency_key) == (
        "",
        "",
        f"erased-{erased.public_id}",
    )
    assert (erased_refused.content_hash, erased_refused.perceptual_hash) == ("c", "p")
    assert kept.taken_down_at is None and kept.content_hash and not kept.taken_back
