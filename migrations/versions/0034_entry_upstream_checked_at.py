"""entries remember when their post was last asked for on its network (upstream_checked_at), so the recheck
of deleted posts goes round every live post of a source, the least recently asked first, instead of the
same first 300

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-05 14:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("upstream_checked_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("upstream_checked_at")
