"""A photo whose processing breaks the time or memory bound fails alone; the app goes on serving."""

from sqlalchemy import select

from campaign.entries.models import Entry, Processing
from campaign.extensions import db
from tests import factories
from tests.entries.helpers import submit


def test_a_photo_over_the_time_bound_fails_alone(client, app):
    factories.campaign(factories.org())
    app.config["MEDIA_TIME_LIMIT"] = 0.001
    assert submit(client, email="slow@example.com", photo=factories.photo(1600, 1200)).status_code == 303
    slow = db.session.scalar(select(Entry).where(Entry.email_normalised == "slow@example.com"))
    assert (slow.processing, slow.processing_error) == (Processing.FAILED, "timeout")
    assert slow.derivatives == []

    app.config["MEDIA_TIME_LIMIT"] = 20.0
    assert client.get("/c/summer").status_code == 200
    assert submit(client, email="next@example.com").status_code == 303
    following = db.session.scalar(select(Entry).where(Entry.email_normalised == "next@example.com"))
    assert following.processing is Processing.READY


def test_a_failed_photo_can_be_processed_again(client, runner, app):
    factories.campaign(factories.org())
    app.config["MEDIA_TIME_LIMIT"] = 0.001
    submit(client)
    app.config["MEDIA_TIME_LIMIT"] = 20.0
    result = runner.invoke(args=["entries", "process", "--failed"])
    assert result.exit_code == 0, result.output
    entry = db.session.scalar(select(Entry))
    db.session.refresh(entry)
    assert entry.processing is Processing.READY and len(entry.derivatives) == 6
