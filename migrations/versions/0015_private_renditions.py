"""renditions are private; public copies only while an approved, consented entry shows them (issue 11)

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-03 13:30:00

Every derivative row's key moves from ``public/d/…`` to ``private/derivatives/…``: the object is copied to
the private key here (in the app's configured storage), then the public copies of entries that no public
surface shows (received, recommended, rejected, withdrawn, or without gallery or review consent) are
deleted; approved, consented entries keep theirs, so embeds and snapshots keep working. A row whose object
is gone loses its renditions and its entry goes back to processing "pending": `flask entries process`
derives them again (and publishes them when the entry is approved). If storage cannot be reached the
migration fails and no row changes. Downgrade copies every rendition back to its public key.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None

PUBLIC, PRIVATE = "public/d/", "private/derivatives/"
PUBLIC_SCOPES = ("gallery", "review")


def _storage():
    from campaign.storage import get_storage  # Flask-Migrate runs migrations inside the app context

    return get_storage()


def _shown(status: str, processing: str, scopes) -> bool:
    if isinstance(scopes, str):
        scopes = json.loads(scopes)
    return status == "approved" and processing == "ready" and any(s in (scopes or []) for s in PUBLIC_SCOPES)


def upgrade():
    from campaign.storage.base import ObjectNotFound

    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT d.id, d.entry_id, d.key, d.content_type, e.status, e.processing, c.scopes "
            "FROM derivatives d JOIN entries e ON e.id = d.entry_id LEFT JOIN consents c ON c.entry_id = e.id "
            "WHERE d.key LIKE 'public/d/%' ORDER BY d.id"
        )
    ).all()
    if not rows:
        return
    storage = _storage()
    lost, shown, hidden = set(), set(), set()
    for row_id, entry_id, key, content_type, status, processing, scopes in rows:
        try:
            storage.copy(key, PRIVATE + key[len(PUBLIC) :], content_type=content_type)
        except ObjectNotFound:
            lost.add(entry_id)
            continue
        conn.execute(
            sa.text("UPDATE derivatives SET key = :key WHERE id = :id"),
            {"key": PRIVATE + key[len(PUBLIC) :], "id": row_id},
        )
        (shown if _shown(status, processing, scopes) else hidden).add(key)
    for entry_id in sorted(lost):
        conn.execute(sa.text("DELETE FROM derivatives WHERE entry_id = :id"), {"id": entry_id})
        conn.execute(
            sa.text("UPDATE entries SET processing = 'pending' WHERE id = :id AND processing = 'ready'"),
            {"id": entry_id},
        )
    for key in sorted(hidden - shown):  # an exact duplicate that is shown keeps the objects it shares
        storage.delete(key)


def downgrade():
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, key, content_type FROM derivatives WHERE key LIKE 'private/derivatives/%'")
    ).all()
    if not rows:
        return
    storage = _storage()
    for row_id, key, content_type in rows:
        public = PUBLIC + key[len(PRIVATE) :]
        storage.copy(key, public, content_type=content_type)
        conn.execute(
            sa.text("UPDATE derivatives SET key = :key WHERE id = :id"), {"key": public, "id": row_id}
        )
