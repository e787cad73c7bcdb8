"""Migration 0033 on existing data: a collected post's stored 0 becomes "no rating" (NULL), and a gallery's
lowest minimum (1), which showed such posts, becomes "no minimum"; other values stay."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from campaign.extensions import db
from tests import factories
from tests.entries.test_migration_0015 import empty_database, migrating_app  # noqa: F401 (fixtures)
from tests.moderation.conftest import make_team


def test_0033_turns_a_stored_zero_into_no_rating_and_the_lowest_minimum_into_none(migrating_app):  # noqa: F811
    team = make_team(migrating_app)
    rated = team.entry(email="a@example.com", photo=factories.photo(colour=(10, 10, 10)))[0].id
    post = team.entry(email="b@example.com", photo=factories.photo(colour=(90, 10, 10)))[0].id
    org = team.org.id
    db.session.remove()
    downgrade(revision="0032")
    with db.engine.begin() as connection:  # plain SQL: the layout before
        connection.execute(text("UPDATE entries SET rating = 0 WHERE id = :id"), {"id": post})
        for name, minimum in (("lowest", 1), ("four", 4)):
            connection.execute(
                text(
                    "INSERT INTO galleries (public_id, org_id, name, min_rating, layout, allowed_origins,"
                    " pinned, created_at, updated_at, snapshot_etag, version)"
                    " VALUES (:name, :org, :name, :minimum, 'grid', '[]', '[]', :now, :now, '', 1)"
                ),
                {"name": name, "org": org, "minimum": minimum, "now": "2026-12-01 00:00:00"},
            )
    upgrade(revision="heads")
    with db.engine.connect() as connection:
        ratings = dict(connection.execute(text("SELECT id, rating FROM entries")).all())
        minimums = dict(connection.execute(text("SELECT public_id, min_rating FROM galleries")).all())
    assert ratings == {rated: 5, post: None}
    assert minimums == {"lowest": None, "four": 4}
