"""entries carry their draw ticket: a participant token and social account stamped at receipt, read by the
draw from one covering index in entry-id order (code-point "C" collation on PostgreSQL)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 04:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SOCIAL = sa.text("social_account IS NOT NULL")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE entries ALTER COLUMN public_id TYPE VARCHAR(32) COLLATE "C"')
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("participant_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("social_account", sa.String(length=120), nullable=True))
        batch_op.drop_index("ix_entries_campaign_id")
        batch_op.create_index(
            "ix_entries_draw",
            ["campaign_id", "public_id", "participant_token", "status", "created_at", "duplicate_of_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_entries_social",
            ["campaign_id", "social_account", "participant_token"],
            unique=False,
            sqlite_where=SOCIAL,
            postgresql_where=SOCIAL,
        )
    # Existing entries are stamped by the next draw of their campaign (the stamp needs the server's secret).


def downgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_social", sqlite_where=SOCIAL, postgresql_where=SOCIAL)
        batch_op.drop_index("ix_entries_draw")
        batch_op.create_index("ix_entries_campaign_id", ["campaign_id"], unique=False)
        batch_op.drop_column("social_account")
        batch_op.drop_column("participant_token")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE entries ALTER COLUMN public_id TYPE VARCHAR(32)")
