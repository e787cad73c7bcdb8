"""The private export API: API keys shown once, stored hashed, scoped to one organisation, revocable."""

import re

from sqlalchemy import select

from campaign.api.keys import digest
from campaign.api.models import ApiKey
from campaign.extensions import db
from tests import factories


def create_key(brand) -> str:
    page = brand.studio.post(
        "/studio/api-keys", {"name": "CRM"}, form_page="/studio/api-keys", follow_redirects=True
    )
    assert page.status_code == 200
    return re.search(r'<code id="new-key">([^<]+)</code>', page.text).group(1)


def test_a_key_exports_its_organisations_entries_and_reviews_only(brand, client):
    entry = brand.approved(email="exported@example.com")
    brand.publish_review(entry)
    other = factories.org("brand-b")
    factories.campaign(other, slug="other-summer")
    key = create_key(brand)
    stored = db.session.scalar(select(ApiKey))
    assert stored.key_hash == digest(key) and key not in (stored.key_hash, stored.prefix)
    assert key not in brand.studio.client.get("/studio/api-keys").text  # shown once

    auth = {"Authorization": f"Bearer {key}"}
    entries = client.get("/api/private/v1/entries", headers=auth)
    assert entries.status_code == 200 and entries.headers["Cache-Control"] == "private, no-store"
    assert [item["id"] for item in entries.json["items"]] == [entry.public_id]
    assert "exported@example.com" not in entries.text
    reviews = client.get("/api/private/v1/reviews", headers=auth).json["items"]
    assert [item["id"] for item in reviews] == [entry.public_id]


def test_missing_wrong_or_revoked_keys_are_refused(brand, client):
    key = create_key(brand)
    assert client.get("/api/private/v1/entries").status_code == 401
    assert (
        client.get("/api/private/v1/entries", headers={"Authorization": "Bearer kk_live_nope"}).status_code
        == 401
    )
    stored = db.session.scalar(select(ApiKey))
    brand.studio.post("/studio/api-keys", {"revoke": stored.public_id}, form_page="/studio/api-keys")
    assert (
        client.get("/api/private/v1/entries", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    )


def test_a_cursor_that_is_not_an_entry_id_is_a_clear_400(brand, client):
    """Issue 11, security 9: `after=` past int64 (SQLite) or int32 (PostgreSQL's INTEGER) gave a 500."""
    auth = {"Authorization": f"Bearer {create_key(brand)}"}
    for after in (str(2**31), str(2**63), "9" * 40, "-1", "abc", "１２"):
        response = client.get(f"/api/private/v1/entries?after={after}", headers=auth)
        assert response.status_code == 400 and response.json["error"] == "bad_cursor", after
    assert client.get(f"/api/private/v1/entries?after={2**31 - 1}", headers=auth).json["items"] == []


def test_a_key_left_unnamed_is_named_in_its_creators_language(brand):
    """Walked: a key created without a name was called "API key" in a Japanese studio."""
    brand.studio.post("/studio/api-keys?lang=ja", {"name": "  "}, form_page="/studio/api-keys?lang=ja")
    assert db.session.scalar(select(ApiKey)).name == "APIキー"
