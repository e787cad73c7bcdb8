"""Migration 0015 on existing data: renditions become private; public copies stay only where shown."""

import uuid

import pytest
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from campaign import create_app
from campaign.entries.models import Entry, Processing
from campaign.entries.processing import process_entry
from campaign.extensions import db
from campaign.orgs.models import Role
from campaign.storage import get_storage
from tests import factories
from tests.conftest import FreshContextClient
from tests.fixtures.databases import BACKENDS, _drop_postgres_database, _fresh_postgres_database
from tests.moderation.conftest import make_team, reason_id, step


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    """A database of its own, with no schema yet."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    name = f"kuchikomi_m0015_{uuid.uuid4().hex[:12]}"
    yield _fresh_postgres_database(name)
    _drop_postgres_database(name)


@pytest.fixture
def migrating_app(empty_database, tmp_path):
    app = create_app(
        {
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": empty_database,
            "STORAGE_BACKEND": "local",
            "STORAGE_LOCAL_ROOT": str(tmp_path / "uploads"),
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
            "SCHEDULER_THREAD": False,  # no ticker racing the migration under test
        }
    )
    app.test_client_class = FreshContextClient  # each request its own context, as in production
    with app.app_context():
        upgrade(revision="heads")
        yield app
        db.session.remove()
        db.engine.dispose()


def before_0015() -> str:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision("0015").down_revision


def keys_of(entry_id: int) -> list[str]:
    """Plain SQL: at an older revision the models name columns later migrations add."""
    rows = db.session.execute(text("SELECT key FROM derivatives WHERE entry_id = :id"), {"id": entry_id})
    return list(rows.scalars())


def test_0015_keeps_shown_photos_public_and_removes_the_rest(migrating_app):
    team = make_team(migrating_app)
    client = migrating_app.test_client()
    editor = team.studio(Role.EDITOR)
    shared = factories.photo(colour=(10, 120, 200))
    received = team.entry(client, email="a@example.com", photo=factories.photo(colour=(200, 10, 10)))[0].id
    rejected = team.entry(client, email="b@example.com", photo=shared)[0]
    step(editor, rejected, "reject", reason=reason_id(team))
    shown = team.entry(client, email="c@example.com", photo=factories.photo(colour=(10, 200, 10)))[0]
    duplicate = team.entry(client, email="d@example.com", photo=shared)[0]  # shares the rejected one's files
    lost = team.entry(client, email="e@example.com", photo=factories.photo(colour=(90, 90, 90)))[0]
    for entry in (shown, duplicate, lost):
        step(editor, entry, "approve")
    ids = {"received": received, "rejected": rejected.id, "shown": shown.id, "duplicate": duplicate.id}
    lost_id = lost.id
    db.session.remove()

    downgrade(revision=before_0015())  # the layout before: every rendition public, whatever its entry
    storage = get_storage()
    before = {name: keys_of(entry_id) for name, entry_id in ids.items()}
    assert all(
        key.startswith("public/d/") and storage.exists(key) for keys in before.values() for key in keys
    )
    for key in keys_of(lost_id):  # an object storage lost (with its private twin)
        storage.delete(key)
        storage.delete(key.replace("public/d/", "private/derivatives/", 1))
    db.session.remove()

    upgrade(revision="heads")
    for name, entry_id in ids.items():
        entry = db.session.get(Entry, entry_id)
        assert entry.processing is Processing.READY and len(entry.derivatives) == 6
        assert all(
            d.key.startswith("private/derivatives/") and storage.exists(d.key) for d in entry.derivatives
        )
        public = {storage.exists(d.public_key) for d in entry.derivatives}
        assert public == ({True} if name in ("shown", "duplicate", "rejected") else {False}), name
    # the rejected entry's files stay public only because the approved duplicate shows the same bytes
    assert {d.public_key for d in db.session.get(Entry, ids["rejected"]).derivatives} == {
        d.public_key for d in db.session.get(Entry, ids["duplicate"]).derivatives
    }
    http = migrating_app.test_client()
    assert {http.get(f"/media/{key}").status_code for key in before["received"]} == {404}
    assert {http.get(f"/media/{key}").status_code for key in before["shown"]} == {200}

    lost = db.session.scalar(select(Entry).where(Entry.id == lost_id))
    assert lost.processing is Processing.PENDING and lost.derivatives == []
    process_entry(lost_id)  # what `flask entries process` does: derived again, and published (approved)
    lost = db.session.get(Entry, lost_id)
    assert lost.processing is Processing.READY and all(storage.exists(d.public_key) for d in lost.derivatives)
