"""Migration 0031 on existing data: a photo that an older version published on a click alone (proof
`unverified`) leaves every public surface through the takedown path, audited, once the upgrade's queued job
runs; a grant the team recorded stays public."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from campaign import jobs, outbox
from campaign.clock import utcnow
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.galleries.models import Gallery
from campaign.reviews.models import Review, ReviewStatus
from campaign.rights.models import Proof, RightsState
from tests import factories
from tests.entries.test_migration_0015 import empty_database, migrating_app  # noqa: F401 (fixtures)
from tests.galleries.helpers import make_brand
from tests.rights.helpers import actions, add_templates, collected, request_for
from tests.rights.test_grants import (
    asked_and_sent,
    gallery_ids,
    public_objects,
    recorded_by_the_team,
    snapshot_ids,
)


def test_0031_takes_down_photos_published_on_a_click_alone(migrating_app):  # noqa: F811
    client = migrating_app.test_client()
    brand = make_brand(migrating_app, client, brand_handle="brand_a")
    add_templates(brand)
    gallery = brand.gallery()
    clicked = collected(brand, post_id="1", approve=True)
    other_photo = factories.photo(colour=(30, 90, 60))  # an exact duplicate would share the public objects
    confirmed = collected(brand, post_id="2", handle="matcha", approve=True, photo=other_photo)
    for entry in (clicked, confirmed):
        asked_and_sent(brand, entry)
        recorded_by_the_team(brand, entry)
    brand.publish_review(clicked)
    keys = public_objects(clicked)
    assert keys and clicked.public_id in gallery_ids(client, gallery)
    clicked, confirmed = (db.session.get(Entry, e.id) for e in (clicked, confirmed))
    ids = {"clicked": clicked.id, "confirmed": confirmed.id, "gallery": gallery.id}
    public = {"clicked": clicked.public_id, "confirmed": confirmed.public_id}
    db.session.remove()

    downgrade(revision="0030")
    with db.engine.begin() as connection:  # as a click recorded it before: its consent published the photo
        connection.execute(
            text("UPDATE rights_requests SET proof = 'unverified' WHERE entry_id = :id"),
            {"id": ids["clicked"]},
        )
    db.session.remove()
    gallery = db.session.get(Gallery, ids["gallery"])
    assert public["clicked"] in gallery_ids(client, gallery)  # the defect the migration ends
    db.session.remove()  # its reads end: a later migration's ALTER TABLE would wait for their locks

    upgrade(revision="heads")
    assert db.session.scalar(select(outbox.OutboxJob.func)) == "campaign.rights.unconfirmed:hold_unconfirmed"
    assert outbox.drain(now=utcnow()) == (1, 0)  # the next tick
    jobs.run_ready()  # what its commit queued (purges, snapshots), as the tick's context ends
    db.session.expire_all()
    gallery = db.session.get(Gallery, ids["gallery"])
    clicked, confirmed = db.session.get(Entry, ids["clicked"]), db.session.get(Entry, ids["confirmed"])
    request = request_for(clicked)
    assert request.state is RightsState.GRANTED and request.proof is Proof.UNVERIFIED  # the click stays
    assert clicked.consent.scopes == []
    assert public["clicked"] not in gallery_ids(client, gallery)
    assert public["clicked"] not in snapshot_ids(gallery)
    assert public_objects(clicked) == []
    assert actions(public["clicked"])[-1] == "rights.hold"
    assert db.session.scalar(select(Review.status)) is ReviewStatus.WITHDRAWN
    assert public["confirmed"] in gallery_ids(client, gallery)
    assert public["confirmed"] in snapshot_ids(gallery)
    assert "rights.hold" not in actions(public["confirmed"])
