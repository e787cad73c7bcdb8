"""Faults lose nothing: a storage failure or a failed commit leaves no row and no stored object."""

import pytest
from sqlalchemy import func, select, text

from campaign.clock import utcnow
from campaign.entries import services
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.storage import build_storage, get_storage
from tests import factories
from tests.entries.helpers import submit


@pytest.fixture
def broken_local_storage(app, tmp_path):
    """A real local backend whose root cannot be created (a file stands where its folder should be)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("occupied")
    storage = build_storage({"STORAGE_BACKEND": "local", "STORAGE_LOCAL_ROOT": str(blocker / "uploads")})
    app.extensions["storage"] = storage
    return storage


def test_storage_failure_invites_a_retry_and_leaves_no_entry(client, app, broken_local_storage, caplog):
    factories.campaign(factories.org())
    response = submit(client)
    assert response.status_code == 503
    # the operator learns why, with the request's id (an outage left no line in the log: a walk-through)
    [line] = [r for r in caplog.records if r.name == "campaign.entries.services"]
    assert line.levelname == "WARNING" and "could not be stored" in line.getMessage()
    assert str(broken_local_storage) in line.getMessage()
    assert line.request_id == response.headers["X-Request-ID"]
    assert "We could not save your photo just now" in response.text
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0
    as_json = submit(client, headers={"Accept": "application/json"})
    assert as_json.status_code == 503 and as_json.json["error"] == "storage_unavailable"


def test_without_the_script_a_storage_failure_brings_the_form_back(client, app, broken_local_storage):
    """It was Kuchikomi's bare error page; now the brand's page, the form filled as it was sent (but for the
    photo, which a browser never refills) and the message above it."""
    factories.campaign(factories.org())
    response = submit(client, caption="朝ごはんに", headers={"Accept-Language": "ja"})
    assert response.status_code == 503
    page = response.text
    message = page[page.index('id="form-message"') :]
    assert "写真を保存できなかったため" in message[: message.index("</p>")]
    assert 'id="entry-form"' in page and "朝ごはんに</textarea>" in page
    # a browser never refills the photo: the field says so (it said nothing, and the next send lacked it)
    photo_field = page[page.index('data-field="photo"') : page.index('id="photo"')]
    assert "お手数ですがもう一度選んでください。" in photo_field
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def _lose_the_connection() -> None:
    """A real database fault between the flush and the commit: the server ends our connection."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    else:
        connection.connection.dbapi_connection.close()


def test_failed_commit_deletes_the_stored_original(app):
    campaign = factories.campaign(factories.org())
    storage = get_storage()
    sub = services.Submission(email="a@example.com", rating=4, accepts_terms=True, idempotency_key="k1")
    limits = services.Limits(max_bytes=10_000_000, max_pixels=40_000_000)
    entry, created = services.submit(
        campaign, sub, factories.photo(), storage=storage, limits=limits, now=utcnow()
    )
    assert created and storage.exists(entry.original_key)
    key = entry.original_key
    _lose_the_connection()
    with pytest.raises(Exception):  # noqa: B017 - the driver's own error for a lost connection
        db.session.commit()
    db.session.rollback()
    assert not storage.exists(key)
    assert [o.key for o in storage.iter_objects("private/")] == []
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def test_rolled_back_submission_deletes_its_object_but_earlier_entries_stay(client, app):
    factories.campaign(factories.org())
    assert submit(client, email="first@example.com").status_code == 303
    before = sorted(o.key for o in get_storage().iter_objects())
    campaign = db.session.scalar(select(Entry)).campaign
    sub = services.Submission(email="b@example.com", rating=3, accepts_terms=True, idempotency_key="k2")
    limits = services.Limits(max_bytes=10_000_000, max_pixels=40_000_000)
    services.submit(
        campaign, sub, factories.photo(colour=(1, 2, 3)), storage=get_storage(), limits=limits, now=utcnow()
    )
    db.session.rollback()
    assert sorted(o.key for o in get_storage().iter_objects()) == before
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 1
