"""`flask entries process` and the scheduler's sweep: each entry on its own, claimed, counted truthfully."""

import pytest
from sqlalchemy import select

from campaign import schedule
from campaign.entries import processing
from campaign.entries.models import Derivative, Entry, EntryStatus, Processing
from campaign.entries.processing import process_entry
from campaign.extensions import db
from campaign.storage import get_storage
from tests import factories
from tests.entries.helpers import submit
from tests.races import race


@pytest.fixture
def queue_down(app_config):
    app_config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # uploads stay pending: their jobs wait in the outbox
    return app_config


def pending_entries(client, count: int) -> list[Entry]:
    factories.campaign(factories.org(), entries_per_person=10)
    for n in range(count):
        assert submit(client, email=f"c{n}@example.com").status_code == 303
    entries = list(db.session.scalars(select(Entry).order_by(Entry.id)))
    assert all(e.processing is Processing.PENDING for e in entries)
    return entries


def test_one_failing_entry_is_reported_and_the_rest_still_run(queue_down, app, client, runner):
    broken, withdrawn, fine = pending_entries(client, 3)
    get_storage().delete(broken.original_key)
    withdrawn.status = EntryStatus.WITHDRAWN
    db.session.commit()

    result = runner.invoke(args=["entries", "process"])
    assert result.exit_code == 1
    assert f"entry {broken.id}: ObjectNotFound" in result.output
    summary = result.stdout.splitlines()[-1]
    assert "Processed 1 entries" in summary and "1 errors" in summary  # not the withdrawn one
    progress = [line for line in result.stderr.splitlines() if line.startswith("entries processed")]
    assert progress == ["entries processed: 1/2", "entries processed: 2/2"]  # the withdrawn one is not due
    db.session.expire_all()
    assert fine.processing is Processing.READY
    assert broken.processing is Processing.PENDING and withdrawn.processing is Processing.PENDING


def test_two_processors_of_one_entry_derive_it_once(queue_down, app, client):
    (entry,) = pending_entries(client, 1)
    outcomes: list[str] = []

    def processor(ready) -> None:
        ready()
        outcomes.append(process_entry(entry.id))

    assert race(app, processor, processor) == ["done", "done"]
    assert sorted(outcomes) == ["processed", "skipped"]
    db.session.expire_all()
    assert entry.processing is Processing.READY
    assert len(db.session.scalars(select(Derivative).where(Derivative.entry_id == entry.id)).all()) == len(
        entry.derivatives
    )


def test_the_tick_reprocesses_entries_stuck_pending_past_the_grace_only(queue_down, app, client):
    (entry,) = pending_entries(client, 1)
    db.session.execute(db.delete(schedule.outbox.OutboxJob))  # the job is lost (say, a flushed queue)
    db.session.commit()
    only_entries = tuple(d for d in schedule.registered() if d.name == "entries-process")

    assert schedule.tick(duties=only_entries)["entries-process"].startswith("0 processed")  # too fresh
    db.session.execute(db.delete(schedule.leases.Lease))  # the duty is due again
    db.session.commit()
    later = entry.updated_at + processing.PENDING_GRACE
    assert schedule.tick(now=later, duties=only_entries)["entries-process"].startswith("1 processed")
    assert "entries-process" not in schedule.tick(now=later, duties=only_entries)  # not due twice
    db.session.expire_all()
    assert entry.processing is Processing.READY


def test_an_entry_erased_while_its_photo_is_derived_keeps_nothing_of_it(queue_down, app, client, monkeypatch):
    """The customer erases the entry while the worker derives its photo (a security review's find): the
    worker wrote its renditions, hashes and "ready" over the erased entry, and the erasure's clean-up had
    already run. The erasure here is real, on its own connection, at that moment."""
    from campaign import media
    from campaign.audit.services import Actor
    from campaign.clock import utcnow
    from campaign.privacy.erasure import erase_entry

    (entry,) = pending_entries(client, 1)
    derive = media.derive_bounded

    def derive_then_erase(*args, **kwargs):
        derived = derive(*args, **kwargs)
        with app.app_context():  # another session and connection: the customer's request
            erase_entry(db.session.get(Entry, entry.id), actor=Actor.customer(""), now=utcnow())
            db.session.commit()
        return derived

    monkeypatch.setattr(media, "derive_bounded", derive_then_erase)
    assert process_entry(entry.id) == "skipped"
    db.session.expire_all()
    assert entry.erased_at is not None and entry.processing is Processing.PENDING
    assert entry.derivatives == [] and entry.content_hash == entry.perceptual_hash == ""
    assert [o.key for o in get_storage().iter_objects("private/derivatives/")] == []
