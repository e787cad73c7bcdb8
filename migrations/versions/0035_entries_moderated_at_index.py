"""an index on entries.moderated_at: the public-copies duty reads, every 5 minutes, the entries moderated in
the last 15 minutes of every campaign (it scanned the whole table)

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-05 15:30:00

"""

from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_entries_moderated_at", "entries", ["moderated_at"])


def downgrade():
    op.drop_index("ix_entries_moderated_at", table_name="entries")
