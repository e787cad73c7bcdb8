"""A photo derived after its approval reaches the API and snapshots once its public objects exist (issue 10).

Jobs go to a real RQ queue on Redis that no worker reads, so the moment between the approval's commit and
the processing is a real one: the gallery API is asked in between, then `flask entries process` finishes.
"""

import json
import uuid

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import select

from campaign import jobs
from campaign.entries.models import Processing
from campaign.extensions import db
from campaign.galleries.snapshots import snapshot_key
from campaign.outbox import OutboxJob
from campaign.storage import get_storage


@pytest.fixture
def rq_queue(app):
    """A queue of its own on Redis; jobs go there once the test sets it as the app's."""
    queue = Queue(f"test-{uuid.uuid4().hex}", connection=Redis.from_url("redis://127.0.0.1:6379/0"))
    yield queue
    app.extensions.pop("rq_queue", None)
    queue.delete(delete_jobs=True)


def ids(document: dict) -> list[str]:
    return [item["id"] for item in document["items"]]


def test_flask_entries_process_publishes_an_approved_entry_and_refreshes_its_galleries(
    brand, client, runner, rq_queue
):
    gallery = brand.gallery()
    entry = brand.approved()
    brand.take_down(entry)
    brand.app.extensions["rq_queue"] = rq_queue  # from now on jobs wait for a worker
    # As a takedown before migration 0015 left it: renditions gone, waiting to be derived again.
    entry.derivatives.clear()
    entry.processing = Processing.PENDING
    db.session.commit()
    brand.moderate(entry, "reapprove")
    waiting = db.session.scalars(
        select(OutboxJob.func).where(OutboxJob.id.in_([j.args[0] for j in rq_queue.get_jobs()]))
    )
    assert "campaign.entries.processing:process_entry" in list(waiting)  # queued through the outbox

    api_url = f"/api/v1/galleries/{gallery.public_id}"
    assert ids(client.get(api_url).json) == []  # not derived yet: this version is cached without it

    brand.app.extensions.pop("rq_queue")  # the sweep's own follow-up work (snapshots) runs inline
    result = runner.invoke(args=["entries", "process"])
    assert result.exit_code == 0 and "Processed 1" in result.output, result.output
    jobs.run_ready()  # what the command's app context does as it ends (the test's context outlives it)

    document = client.get(api_url).json
    assert ids(document) == [entry.public_id]
    urls = [image["url"] for image in document["items"][0]["images"]["webp"]]
    assert urls and all(client.get(url.removeprefix("http://localhost")).status_code == 200 for url in urls)
    snapshot = json.loads(get_storage().get(snapshot_key(gallery, "gallery.json")))
    assert ids(snapshot) == [entry.public_id]
