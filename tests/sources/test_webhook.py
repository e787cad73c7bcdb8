"""Instagram's `mentions` webhook: verification handshake, signatures, size, and the collection it queues."""

import hashlib
import hmac
import json

import pytest
from sqlalchemy import func, select

from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.outbox import OutboxJob
from tests.sources.conftest import IG_USER

VERIFY = "kuchikomi-verify"


@pytest.fixture
def hooked(app, brand):
    app.config["INSTAGRAM_APP_SECRET"] = brand.state.app_secret
    app.config["INSTAGRAM_VERIFY_TOKEN"] = VERIFY
    return brand


def delivery(media_id: str, ig_user: str = IG_USER) -> bytes:
    """A `mentions` change as Meta sends it (a caption mention: media_id only)."""
    return json.dumps(
        {
            "object": "instagram",
            "entry": [
                {
                    "id": ig_user,
                    "time": 1764748800,
                    "changes": [{"field": "mentions", "value": {"media_id": media_id}}],
                }
            ],
        }
    ).encode()


def post(client, body: bytes, signature: str | None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return client.post("/hooks/instagram", data=body, headers=headers)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_verification_handshake_echoes_the_challenge_only_with_the_token(client, hooked):
    ok = client.get(f"/hooks/instagram?hub.mode=subscribe&hub.verify_token={VERIFY}&hub.challenge=1158201444")
    assert ok.status_code == 200 and ok.text == "1158201444"
    wrong = client.get("/hooks/instagram?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1")
    assert wrong.status_code == 403


def test_a_signed_mention_is_collected_through_the_outbox(client, hooked):
    hooked.state.ig_mentions["m1"] = hooked.ig_post("m1", username="hanako_tea")
    hooked.source("instagram_tags")
    body = delivery("m1")
    response = post(client, body, hooked.state.sign(body))
    assert response.status_code == 200 and response.json == {"queued": 1}
    entry = db.session.scalar(select(Entry))
    assert (entry.network_post_id, entry.social_handle) == ("m1", "hanako_tea")
    assert count(OutboxJob) == 0  # the job ran and was deleted
    query = next(q for q in hooked.state.queries if "mentioned_media" in q.get("fields", ""))
    assert query["fields"].startswith("mentioned_media.media_id(m1){")


@pytest.mark.parametrize(
    "signature", [None, "sha256=" + "0" * 64, "sha1=abc"], ids=["missing", "wrong", "sha1"]
)
def test_a_wrong_or_missing_signature_gets_403_and_stores_nothing(client, hooked, signature):
    hooked.state.ig_mentions["m1"] = hooked.ig_post("m1", username="hanako_tea")
    hooked.source("instagram_tags")
    assert post(client, delivery("m1"), signature).status_code == 403
    assert count(Entry) == 0 and count(OutboxJob) == 0 and hooked.state.queries == []


def test_a_body_signed_for_other_bytes_is_refused(client, hooked):
    hooked.source("instagram_tags")
    signed = hooked.state.sign(delivery("m1"))
    assert post(client, delivery("m2"), signed).status_code == 403
    assert count(OutboxJob) == 0


def test_an_oversized_delivery_gets_413(client, hooked):
    hooked.source("instagram_tags")
    body = delivery("m1")[:-1] + b', "pad": "' + b"x" * 70_000 + b'"}'
    assert post(client, body, hooked.state.sign(body)).status_code == 413
    assert count(OutboxJob) == 0


def test_without_an_app_secret_every_delivery_is_refused(client, app, brand):
    app.config["INSTAGRAM_APP_SECRET"] = ""
    body = delivery("m1")
    unkeyed = hmac.new(b"", body, hashlib.sha256).hexdigest()  # what an empty secret would accept
    assert post(client, body, f"sha256={unkeyed}").status_code == 403
