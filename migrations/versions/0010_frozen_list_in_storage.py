"""a draw's frozen list moves to private storage (draws.frozen); the row keeps its key and its digest

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 04:05:00

Existing lists are written to the app's configured storage here, before their column is dropped; if
storage cannot be reached the migration fails and nothing changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

CONTENT_TYPE = "text/plain; charset=utf-8"


def _storage():
    from campaign.storage import get_storage  # Flask-Migrate runs migrations inside the app context

    return get_storage()


def upgrade():
    with op.batch_alter_table("draws", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frozen_list_key", sa.String(length=300), nullable=False, server_default=""))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, public_id, frozen_list FROM draws")).all()
    if rows:
        storage = _storage()
        for draw_id, public_id, text in rows:
            key = f"private/draws/{public_id}/frozen-list.txt"
            storage.put(key, (text or "").encode(), content_type=CONTENT_TYPE)
            conn.execute(sa.text("UPDATE draws SET frozen_list_key = :key WHERE id = :id"), {"key": key, "id": draw_id})
    with op.batch_alter_table("draws", schema=None) as batch_op:
        batch_op.drop_column("frozen_list")


def downgrade():
    with op.batch_alter_table("draws", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frozen_list", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, frozen_list_key FROM draws WHERE frozen_list_key <> ''")).all()
    if rows:
        storage = _storage()
        for draw_id, key in rows:
            text = storage.get(key).decode()
            conn.execute(sa.text("UPDATE draws SET frozen_list = :text WHERE id = :id"), {"text": text, "id": draw_id})
    with op.batch_alter_table("draws", schema=None) as batch_op:
        batch_op.drop_column("frozen_list_key")
