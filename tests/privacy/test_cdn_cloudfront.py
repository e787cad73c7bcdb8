"""CloudFront invalidation as the CDN purge (`KUCHIKOMI_CDN_PURGE=cloudfront:<id>`): it was refused at
start-up. Tested against a local server speaking CloudFront's REST XML API (tests/fixtures/cloudfront.py)."""

import pytest
from sqlalchemy import select

from campaign import create_app, outbox
from campaign.audit.models import AuditEvent
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.orgs.models import Role
from tests.fixtures.cloudfront import FakeCloudFront
from tests.moderation.conftest import step


@pytest.fixture
def cloudfront():
    with FakeCloudFront() as fake:
        yield fake


@pytest.fixture
def app_config(app_config, cloudfront):
    return {
        **app_config,
        "CDN_PURGE": f"cloudfront:{cloudfront.distribution}",
        "CLOUDFRONT_ENDPOINT_URL": cloudfront.endpoint_url,
        "S3_ACCESS_KEY_ID": cloudfront.access_key,
        "S3_SECRET_ACCESS_KEY": "test-secret",
        "S3_KEY_PREFIX": "shop/",
    }


def withdrawn(team, client) -> list[str]:
    """Approves a customer's entry, then takes it down; returns its public keys."""
    entry, _ = team.entry(client)
    editor = team.studio(Role.EDITOR)
    step(editor, entry, "approve")
    db.session.refresh(entry)
    keys = sorted({d.public_key for d in entry.derivatives})
    assert step(editor, entry, "withdraw", note="legal asked").status_code == 303
    return keys


def test_a_takedown_invalidates_every_removed_object_in_one_cloudfront_invalidation(team, client, cloudfront):
    keys = withdrawn(team, client)

    assert len(cloudfront.invalidations) == 1
    assert cloudfront.paths() == sorted(f"/shop/{key}" for key in keys)  # the distribution's origin root
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cdn.purge"))
    assert event.org_id == team.org.id
    assert event.after == {
        "keys": len(keys),
        "attempts": 1,
        "failed": [],
        "invalidations": [cloudfront.invalidations[0]["id"]],
    }


def test_an_outage_fails_the_job_and_the_outbox_retry_asks_for_the_same_invalidation(
    team, client, cloudfront
):
    cloudfront.fail_next = 3  # every attempt of the first run
    keys = withdrawn(team, client)

    assert cloudfront.invalidations == [] and cloudfront.requests == 3
    (row,) = db.session.scalars(select(outbox.OutboxJob)).all()
    assert row.func == "campaign.entries.publication:purge_public" and "PurgeFailed" in row.last_error
    failed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cdn.purge"))
    assert failed.after["failed"] == keys and failed.after["attempts"] == 3

    row_id = row.id
    assert outbox.drain(now=row.next_attempt_at) == (1, 0)
    assert cloudfront.paths() == sorted(f"/shop/{key}" for key in keys)
    reference = cloudfront.invalidations[0]["caller_reference"]
    assert reference.startswith(f"kuchikomi-job-{row_id}-") and reference.endswith(
        "-0"
    )  # a third run gets it back
    assert db.session.scalars(select(outbox.OutboxJob)).all() == []


def test_a_wrong_distribution_is_audited_as_failed_and_retried(team, client, cloudfront, app):
    app.config["CDN_PURGE"] = "cloudfront:ENOSUCHDIST"
    keys = withdrawn(team, client)
    assert cloudfront.invalidations == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cdn.purge"))
    assert event.after["failed"] == keys
    assert db.session.scalar(select(outbox.OutboxJob)).attempts == 1


def test_a_cloudfront_distribution_is_accepted_at_startup(app_config):
    app = create_app({**app_config, "CDN_PURGE": "cloudfront:E2QWRUHAPOMQZL"})
    with app.app_context():
        assert utcnow()  # the app starts: no "not supported yet"
