"""A takedown's purge job and a re-approval, in every order, on SQLite and PostgreSQL, in memory and on a
real S3 server: an approved, consented entry ends with every public copy; a hidden one with none. And the
duty that repairs whatever else leaves them wrong.

A fault probe found the order that lost them: the re-approval publishes while the copies still exist (so
it copies nothing), the purge decides before the re-approval commits, then deletes them. Here the purge
runs in its own thread, app context and connection, as on a worker, at the moment each order needs."""

import json
import threading
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import select

from campaign import schedule
from campaign.clock import utcnow
from campaign.entries import publication
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from campaign.moderation import services
from campaign.orgs.models import Role
from campaign.outbox import OutboxJob, resolve
from campaign.storage import build_storage, get_storage
from tests import factories
from tests.moderation.conftest import make_team, step
from tests.moderation.test_races import member
from tests.queries import counted_queries
from tests.races import race

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(params=["memory", pytest.param("s3", marks=pytest.mark.s3)])
def team(request, app):
    if request.param == "s3":
        seaweedfs = request.getfixturevalue("seaweedfs")
        config = seaweedfs.storage_config(S3_KEY_PREFIX=f"t-{uuid.uuid4().hex[:12]}/")
        app.config.update(config)
        app.extensions["storage"] = build_storage(config)
    return make_team(app)


def move(entry: Entry, action: str, role: Role, **kwargs) -> None:
    """A marketer's step in the test's own session (its after-commit jobs never run: see `queued_purge`)."""
    membership, actor = member(role)
    services.transition(entry, action, actor=actor, membership=membership, now=utcnow(), **kwargs)


def queued_purge() -> Callable[[], None]:
    """The takedown's purge job, as the outbox holds it, to run when the test says."""
    [row] = db.session.scalars(select(OutboxJob).where(OutboxJob.func.endswith(":purge_public")))
    func, args = resolve(row.func), json.loads(row.args)
    return lambda: func(*args)


def in_thread(app, job: Callable[[], None]) -> tuple[threading.Thread, list[BaseException]]:
    """Starts `job` as a worker runs it: its own app context, session and connection."""
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            try:
                job()
            except BaseException as exc:  # noqa: BLE001 - asserted by the test
                errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def public_copies(entry: Entry) -> int:
    storage = get_storage()
    return sum(storage.exists(d.public_key) for d in entry.derivatives)


def approved(team, client, **photo) -> Entry:
    entry, _ = team.entry(client, **photo)
    assert step(team.studio(Role.EDITOR), entry, "approve").status_code == 303
    db.session.refresh(entry)
    assert entry.status is EntryStatus.APPROVED and public_copies(entry) == 6
    return entry


def taken_down(entry: Entry) -> Callable[[], None]:
    move(entry, "withdraw", Role.EDITOR, note="complaint")
    db.session.commit()
    return queued_purge()


def test_a_purge_deciding_while_the_reapproval_publishes_waits_for_it_and_keeps_every_copy(team, app, client):
    entry = approved(team, client)
    purge = taken_down(entry)
    move(entry, "reapprove", Role.APPROVER)  # the copies are still there: publishing copies nothing
    purger, errors = in_thread(app, purge)
    purger.join(timeout=1)
    waited = purger.is_alive()  # for the entry's lock, which the re-approval holds until its commit
    db.session.commit()
    purger.join(timeout=30)
    assert not errors, errors
    db.session.refresh(entry)
    assert entry.status is EntryStatus.APPROVED and public_copies(entry) == 6
    assert waited


@pytest.mark.parametrize("purge_first", [True, False], ids=["purge-first", "reapproval-first"])
def test_a_purge_before_or_after_the_reapproval_leaves_every_copy(team, app, client, purge_first):
    entry = approved(team, client)
    purge = taken_down(entry)
    if purge_first:
        purge()
        assert public_copies(entry) == 0
    move(entry, "reapprove", Role.APPROVER)
    db.session.commit()
    if not purge_first:
        purge()
    db.session.refresh(entry)
    assert entry.status is EntryStatus.APPROVED and public_copies(entry) == 6


def test_a_purge_waits_for_the_approval_of_an_exact_duplicate_and_keeps_the_shared_copies(team, app, client):
    entry = approved(team, client, email="one@example.com")
    twin, _ = team.entry(client, email="two@example.com")  # the same photo: the same renditions
    assert {d.key for d in twin.derivatives} == {d.key for d in entry.derivatives}
    purge = taken_down(entry)
    move(twin, "approve", Role.EDITOR)
    purger, errors = in_thread(app, purge)
    purger.join(timeout=1)
    waited = purger.is_alive()
    db.session.commit()
    purger.join(timeout=30)
    assert not errors, errors
    assert public_copies(twin) == 6
    assert waited


def recheck_turn(app, now=None) -> str:
    """One turn of the duty as a ticker runs it: in its own app context, whose end runs the jobs it queued."""
    with app.app_context():
        return publication.recheck_duty(now or utcnow())


def damaged(team, client) -> tuple[Entry, Entry, Entry]:
    """An approved entry missing four public copies (as the probe's race left one), a taken-down one with a
    copy back (as a publish on stale state could leave it), and a taken-down exact duplicate of the first,
    whose copies the first still shows."""
    shown = approved(team, client, email="one@example.com")
    hidden = approved(team, client, email="two@example.com", photo=factories.photo(colour=(20, 160, 90)))
    twin = approved(team, client, email="three@example.com")
    editor = team.studio(Role.EDITOR)
    for entry in (hidden, twin):
        assert step(editor, entry, "withdraw", note="complaint").status_code == 303
    storage = get_storage()
    for item in shown.derivatives[:4]:
        storage.delete(item.public_key)
    stray = hidden.derivatives[0]
    storage.copy(stray.key, stray.public_key, content_type=stray.content_type)
    return shown, hidden, twin


def test_the_duty_repairs_recently_moderated_entries_public_copies(team, app, client):
    shown, hidden, twin = damaged(team, client)
    assert "entries-public-copies" in {duty.name for duty in schedule.registered()}
    assert recheck_turn(app, utcnow() + publication.RECHECK_WINDOW * 2).startswith("0 entries checked")

    with app.app_context():  # the scheduler's tick, whose end runs the purge it queued
        only = tuple(duty for duty in schedule.registered() if duty.name == "entries-public-copies")
        result = schedule.tick(duties=only)["entries-public-copies"]
    assert result == "3 entries checked, 4 public renditions copied, 1 left to the purge"
    assert (public_copies(shown), public_copies(hidden), public_copies(twin)) == (6, 0, 6)
    assert recheck_turn(app) == "3 entries checked, 0 public renditions copied, 0 left to the purge"


def test_two_tickers_running_the_duty_at_once_repair_once(team, app, client):
    shown, hidden, _ = damaged(team, client)
    results: list[str] = []

    def ticker(ready) -> None:
        ready()
        results.append(publication.recheck_duty(utcnow()))

    assert race(app, ticker, ticker) == ["done", "done"]
    assert sum(int(result.split(", ")[1].split()[0]) for result in results) == 4, results
    assert (public_copies(shown), public_copies(hidden)) == (6, 0)


def test_the_duty_finds_the_recently_moderated_entries_through_an_index(app):
    """Every 5 minutes, of every campaign: without `ix_entries_moderated_at` it read the whole table."""
    with counted_queries() as statements:
        publication.recheck_duty(utcnow())
    (query,) = [s for s in statements if "FROM entries" in s]
    connection = db.session.connection()
    if db.engine.dialect.name == "sqlite":
        explained = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}", ("x",) * query.count("?"))
    else:  # planned as on a large table (on an empty one a sequential scan is as cheap)
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        explained = connection.exec_driver_sql(f"EXPLAIN {query}", {"moderated_at_1": utcnow()})
    plan = " ".join(str(row[-1]) for row in explained)
    assert "ix_entries_moderated_at" in plan, plan
