"""Migration 0029 on existing data: a takedown is remembered, an erased entry keeps no photo fingerprint."""

from sqlalchemy import text

from campaign.entries.models import Entry
from campaign.extensions import db
from tests import factories
from tests.entries.test_migration_0015 import empty_database, migrating_app  # noqa: F401 (fixtures)
from tests.moderation.conftest import make_team


def test_0029_remembers_takedowns_and_forgets_erased_fingerprints(migrating_app):  # noqa: F811
    team = make_team(migrating_app)
    taken_down, _ = team.entry(email="a@example.com", photo=factories.photo(colour=(200, 10, 10)))
    erased, _ = team.entry(email="b@example.com", photo=factories.photo(colour=(10, 200, 10)))
    kept, _ = team.entry(email="c@example.com", photo=factories.photo(colour=(10, 10, 200)))
    ids = taken_down.id, erased.id, kept.id
    hash_of_kept = kept.content_hash
    db.session.remove()

    from flask_migrate import downgrade, upgrade

    downgrade(revision="0028")
    with db.engine.begin() as connection:  # plain SQL: the models name the column 0029 adds
        connection.execute(
            text(
                "UPDATE entries SET status = 'withdrawn', withdrawn_by = 'brand', withdrawn_at = created_at "
                "WHERE id = :id"
            ),
            {"id": ids[0]},
        )
        connection.execute(text("UPDATE entries SET erased_at = created_at WHERE id = :id"), {"id": ids[1]})
    db.session.remove()

    upgrade(revision="heads")
    taken_down, erased, kept = (db.session.get(Entry, entry_id) for entry_id in ids)
    assert taken_down.taken_down_at == taken_down.withdrawn_at is not None
    assert erased.content_hash == erased.perceptual_hash == ""
    assert kept.taken_down_at is None and kept.content_hash == hash_of_kept != ""
