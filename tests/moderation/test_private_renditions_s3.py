"""On a real S3 server (SeaweedFS): anonymous reads of a rendition succeed only while the entry is public."""

import html
import uuid

import pytest

from campaign.extensions import db
from campaign.orgs.models import Role
from campaign.storage import build_storage, get_storage
from tests import factories
from tests.moderation.conftest import make_team, reason_id, step
from tests.moderation.test_private_renditions import IMG_RE
from tests.storage.test_storage_contract import fetch

pytestmark = pytest.mark.s3
HIDDEN = {403, 404}


@pytest.fixture
def team(app, seaweedfs):
    config = seaweedfs.storage_config(S3_KEY_PREFIX=f"t-{uuid.uuid4().hex[:12]}/")
    app.config.update(config)
    app.extensions["storage"] = build_storage(config)
    return make_team(app)


def anonymous_codes(entry) -> set[int]:
    storage = get_storage()
    return {fetch(storage.public_url(d.public_key))[0] for d in entry.derivatives}


def test_only_an_approved_consented_entry_is_readable_anonymously(team, client):
    editor = team.studio(Role.EDITOR)
    received, status_url = team.entry(client, email="one@example.com")
    assert len(received.derivatives) == 6 and anonymous_codes(received) <= HIDDEN

    page = client.get(status_url).text  # the customer sees the photo through a presigned, expiring URL
    images = [html.unescape(src) for src in IMG_RE.findall(page)]
    assert images and all("X-Amz-Signature=" in src and "X-Amz-Expires=900" in src for src in images)
    assert all(fetch(src)[0] == 200 for src in images)
    assert all(fetch(src.split("?", 1)[0])[0] in HIDDEN for src in images)

    step(editor, received, "reject", reason=reason_id(team))
    assert anonymous_codes(received) <= HIDDEN

    approved, _ = team.entry(client, email="two@example.com", photo=factories.photo(colour=(20, 160, 90)))
    step(editor, approved, "approve")
    db.session.refresh(approved)
    assert anonymous_codes(approved) == {200}
    step(editor, approved, "withdraw", note="Personal data in the photo")
    assert anonymous_codes(approved) <= HIDDEN
