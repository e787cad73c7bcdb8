"""instant win fulfilment: notice code, claim deadline, forfeit, shipping and address purge of a win

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 03:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = ("notified_at", "claim_deadline", "forfeited_at", "shipped_at", "address_purged_at")


def upgrade():
    with op.batch_alter_table("instant_win_plays", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_code", sa.String(length=16), nullable=True))
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_instant_win_plays_notice_code"), ["notice_code"])


def downgrade():
    with op.batch_alter_table("instant_win_plays", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_instant_win_plays_notice_code"), type_="unique")
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
        batch_op.drop_column("notice_code")
