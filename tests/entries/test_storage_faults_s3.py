"""Submissions on the S3 backend, against a real SeaweedFS server behind a proxy that breaks the network on
demand: faults lose nothing, and the original's upload is signed with the photo's digest."""

import hashlib
from collections import Counter

import pytest
from sqlalchemy import func, select

from campaign import media
from campaign.campaigns.models import Campaign
from campaign.clock import utcnow
from campaign.entries import services
from campaign.entries.models import Derivative, Entry, Processing
from campaign.entries.processing import store_derivatives
from campaign.extensions import db
from campaign.storage import get_storage, s3_signing
from tests import factories
from tests.entries.helpers import submit
from tests.entries.test_faults import _lose_the_connection

pytestmark = pytest.mark.s3


@pytest.fixture
def s3_app(s3_through_proxy):
    """The app on the S3 backend, reaching SeaweedFS through the proxy, under a key prefix of its own."""
    factories.campaign(factories.org())
    return s3_through_proxy


def all_keys() -> set[str]:
    return {o.key for o in get_storage().iter_objects("")}


def entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Entry))


def big_photo() -> bytes:
    return factories.photo(1600, 1200, quality=95)  # well over the proxy's cut-off


def test_storage_stopped_mid_upload_loses_nothing(client, runner, s3_app, seaweedfs, fault_proxy):
    assert submit(client, email="first@example.com").status_code == 303
    accepted = db.session.scalar(select(Entry))
    assert accepted.processing is Processing.READY
    kept = all_keys()

    fault_proxy.set_mode("cut", on_cut=seaweedfs.stop)
    try:
        response = submit(client, email="second@example.com", photo=big_photo())
    finally:
        fault_proxy.set_mode("pass")
        seaweedfs.start()
    assert fault_proxy.cuts >= 1
    assert response.status_code == 503
    assert "We could not save your photo just now" in response.text
    assert entry_count() == 1

    result = runner.invoke(args=["storage", "gc", "--grace", "0", "--delete"])
    assert result.exit_code == 0, result.output
    referenced = {accepted.original_key} | {d.key for d in db.session.scalars(select(Derivative))}
    assert all_keys() == referenced == kept  # no object without a row; the accepted entry untouched
    assert get_storage().get(accepted.original_key)[:2] == b"\xff\xd8"

    assert submit(client, email="second@example.com", photo=big_photo()).status_code == 303  # retry works


def test_slow_storage_ends_the_request_in_bounded_time(client, s3_app, fault_proxy):
    fault_proxy.set_mode("silent")
    response = submit(client, headers={"Accept": "application/json"})
    # The request ends, with 503: the S3 client's timeouts bound each attempt, and the number of attempts
    # is counted in tests/storage/test_s3_faults.py (no timing asserted: it fails on a loaded machine).
    assert response.status_code == 503 and response.json["error"] == "storage_unavailable"
    assert entry_count() == 0


def test_commit_failure_deletes_the_original_from_s3(s3_app):
    live = db.session.scalar(select(Campaign))
    sub = services.Submission(email="a@example.com", rating=5, accepts_terms=True, idempotency_key="s3-1")
    limits = services.Limits(max_bytes=10_000_000, max_pixels=40_000_000)
    entry, _ = services.submit(
        live, sub, factories.photo(), storage=get_storage(), limits=limits, now=utcnow()
    )
    key = entry.original_key
    assert get_storage().exists(key)
    _lose_the_connection()
    with pytest.raises(Exception):  # noqa: B017 - the driver's own error for a lost connection
        db.session.commit()
    db.session.rollback()
    assert not get_storage().exists(key)
    assert all_keys() == set()


def test_members_reach_originals_through_short_lived_presigned_urls(client, studio, s3_app):
    import urllib.request

    from campaign.orgs.models import Organisation, Role

    submit(client)
    entry = db.session.scalar(select(Entry))
    factories.member(db.session.scalar(select(Organisation)), "m@example.com", Role.VIEWER)
    studio.login("m@example.com", factories.PASSWORD)
    response = client.get(f"/studio/entries/{entry.public_id}/original")
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "private, no-store"
    url = response.headers["Location"]
    assert "X-Amz-Expires=300" in url and "X-Amz-Signature=" in url
    with urllib.request.urlopen(url) as presigned:  # noqa: S310 - a loopback test server
        assert presigned.read() == get_storage().get(entry.original_key)


def test_processing_stores_each_rendition_in_one_request_and_shares_a_duplicates(client, s3_app):
    """One conditional put per rendition (no HEAD first); an exact duplicate's renditions are the first
    entry's objects, which the duplicate, not having stored them, never deletes."""
    sent: Counter[str] = Counter()
    get_storage().client.meta.events.register(
        "before-send.s3", lambda event_name, **_: sent.update([event_name.rsplit(".", 1)[-1]])
    )
    photo = factories.photo(colour=(30, 160, 90))
    assert submit(client, email="first@example.com", photo=photo).status_code == 303
    first = db.session.scalar(select(Entry))
    assert first.processing is Processing.READY and len(first.derivatives) > 1
    assert sent == {"PutObject": 1 + len(first.derivatives), "GetObject": 1}  # original, renditions; read

    assert submit(client, email="second@example.com", photo=photo).status_code == 303
    second = db.session.scalar(select(Entry).where(Entry.id != first.id))
    assert {d.key for d in second.derivatives} == {d.key for d in first.derivatives}
    assert sent["HeadObject"] == 0

    store_derivatives(second, media.derive(photo), get_storage())  # processed again, then rolled back:
    db.session.rollback()  # the objects it found were not its own to delete
    assert {d.key for d in first.derivatives} <= all_keys()


def test_the_original_is_uploaded_signed_with_the_photo_digest_not_hashed_again(client, s3_app):
    """The submission hashes the photo once (its idempotency key) and the upload is signed with that digest
    by the known-payload signer, not by botocore's, which would hash the 12 MP photo a second time."""
    signers, payloads = {}, {}

    def signing(request, signature_version, **_) -> None:
        signers[request.url] = signature_version

    def sending(request, **_) -> None:
        payloads[request.url] = request.headers["X-Amz-Content-SHA256"].decode()

    get_storage().client.meta.events.register("before-sign.s3.PutObject", signing)
    get_storage().client.meta.events.register("before-send.s3.PutObject", sending)
    photo = factories.photo(800, 600)
    assert submit(client, photo=photo).status_code == 303
    entry = db.session.scalar(select(Entry))
    assert get_storage().get(entry.original_key) == photo
    (url,) = [url for url in signers if entry.original_key in url]
    assert signers[url] == s3_signing.SIGNATURE_VERSION
    assert payloads[url] == hashlib.sha256(photo).hexdigest()
