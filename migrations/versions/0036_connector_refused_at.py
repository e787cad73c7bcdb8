"""a connection remembers when the network refused its token (expired or revoked: refused_at, with the API's
words in refused_detail), so the studio says it needs reconnecting and its owners are mailed once

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-05 15:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("connector_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refused_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("refused_detail", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("connector_accounts", schema=None) as batch_op:
        batch_op.drop_column("refused_detail")
        batch_op.drop_column("refused_at")
