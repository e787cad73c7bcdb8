"""Renditions are public only while an approved, consented entry shows them; before, through expiring URLs.

Local storage, everything over HTTP: the public route, the status page and the studio as their users see them.
"""

import re
import time

import pytest
from flask import current_app

from campaign.entries.models import EntryStatus
from campaign.extensions import db
from campaign.media_views import preview_token
from campaign.orgs.models import Role
from campaign.storage import get_storage
from tests import factories
from tests.moderation.conftest import reason_id, step

IMG_RE = re.compile(r'<img[^>]+src="([^"]+)"')


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "STORAGE_BACKEND": "local", "STORAGE_LOCAL_ROOT": str(tmp_path / "uploads")}


def public_codes(client, entry) -> set[int]:
    return {client.get(f"/media/{d.public_key}").status_code for d in entry.derivatives}


def shown_images(client, url: str) -> list[str]:
    page = client.get(url)
    assert page.status_code == 200, page.text
    return IMG_RE.findall(page.text)


def test_a_received_entry_is_private_yet_its_customer_and_the_studio_see_it(team, client):
    entry, status_url = team.entry(client)
    assert len(entry.derivatives) == 6 and public_codes(client, entry) == {404}
    assert not any(get_storage().exists(d.public_key) for d in entry.derivatives)
    editor = team.studio(Role.EDITOR)
    for images in (
        shown_images(client, status_url),
        shown_images(editor.client, f"/studio/entries/{entry.public_id}"),
    ):
        assert images and all(src.startswith("/media/p/") for src in images)
        for src in images:  # anyone holding the link, for a while: no cookie needed
            response = team.app.test_client().get(src)
            assert response.status_code == 200 and response.mimetype == "image/jpeg"
            assert response.headers["Cache-Control"] == "private, no-store"
    queue = shown_images(editor.client, "/studio/moderation/")
    assert queue and all(src.startswith("/media/p/") for src in queue)


def test_rejection_keeps_the_photo_private_and_approval_publishes_it(team, client):
    editor = team.studio(Role.EDITOR)
    rejected, _ = team.entry(client, email="one@example.com")
    step(editor, rejected, "reject", reason=reason_id(team))
    db.session.refresh(rejected)
    assert rejected.status is EntryStatus.REJECTED and public_codes(client, rejected) == {404}

    approved, _ = team.entry(client, email="two@example.com", photo=factories.photo(colour=(20, 160, 90)))
    step(editor, approved, "approve")
    assert public_codes(client, approved) == {200}
    step(editor, approved, "withdraw", note="The customer asked by phone")
    assert public_codes(client, approved) == {404}


def test_an_approved_entry_without_a_public_surface_consent_stays_private(team, client):
    entry, _ = team.entry(client, consent_scopes=None)  # agreed to no public surface
    step(team.studio(Role.EDITOR), entry, "approve")
    db.session.refresh(entry)
    assert entry.status is EntryStatus.APPROVED and public_codes(client, entry) == {404}


def test_preview_links_expire_and_cannot_be_forged_or_pointed_at_originals(team, client):
    entry, _ = team.entry(client)
    key = entry.derivatives[0].key
    secret = current_app.secret_key
    now = int(time.time())
    assert client.get(f"/media/p/{preview_token(secret, key, expires_at=now + 60)}").status_code == 200
    assert client.get(f"/media/p/{preview_token(secret, key, expires_at=now - 1)}").status_code == 404
    assert (
        client.get(f"/media/p/{preview_token('another secret', key, expires_at=now + 60)}").status_code == 404
    )
    original = preview_token(secret, entry.original_key, expires_at=now + 60)
    assert client.get(f"/media/p/{original}").status_code == 404


def test_a_publication_that_storage_fails_refuses_the_approval_and_leaves_nothing(team, client):
    entry, _ = team.entry(client)
    storage = get_storage()
    storage.delete(entry.derivatives[-1].key)  # storage lost one rendition: the copy cannot complete
    response = step(team.studio(Role.EDITOR), entry, "approve")
    assert response.status_code == 503 and "could not be published" in response.text
    db.session.refresh(entry)
    assert entry.status is EntryStatus.RECEIVED
    assert not any(storage.exists(d.public_key) for d in entry.derivatives)


def test_storage_gc_sweeps_public_copies_no_public_entry_shows(team, client, runner):
    editor = team.studio(Role.EDITOR)
    hidden, _ = team.entry(client, email="one@example.com")
    shown, _ = team.entry(client, email="two@example.com", photo=factories.photo(colour=(20, 160, 90)))
    step(editor, shown, "approve")
    storage = get_storage()
    stray = hidden.derivatives[0]  # as a crash between a copy and its rollback could leave it
    storage.copy(stray.key, stray.public_key, content_type=stray.content_type)

    result = runner.invoke(args=["storage", "gc", "--grace", "0", "--delete"])
    assert result.exit_code == 0, result.output
    assert not storage.exists(stray.public_key)
    assert all(storage.exists(d.key) for d in hidden.derivatives)  # the private renditions are referenced
    assert all(storage.exists(d.public_key) for d in shown.derivatives)
    assert storage.exists(hidden.original_key)


def test_reconcile_public_restores_shown_photos_and_removes_the_rest(team, client, runner):
    editor = team.studio(Role.EDITOR)
    hidden, _ = team.entry(client, email="one@example.com")
    shown, _ = team.entry(client, email="two@example.com", photo=factories.photo(colour=(20, 160, 90)))
    step(editor, shown, "approve")
    storage = get_storage()
    lost = shown.derivatives[0]  # e.g. a concurrent takedown of an exact duplicate deleted it
    storage.delete(lost.public_key)
    stray = hidden.derivatives[0]  # e.g. written by an approval whose cleanup failed
    storage.copy(stray.key, stray.public_key, content_type=stray.content_type)

    result = runner.invoke(args=["entries", "reconcile-public"])  # the stray copy is younger than an hour
    assert result.exit_code == 0 and "Copied 1 public renditions, deleted 0" in result.output, result.output
    assert client.get(f"/media/{lost.public_key}").status_code == 200
    result = runner.invoke(args=["entries", "reconcile-public", "--grace", "0"])
    assert "Copied 0 public renditions, deleted 1" in result.output, result.output
    assert public_codes(client, hidden) == {404} and public_codes(client, shown) == {200}
