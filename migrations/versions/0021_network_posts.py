"""entries collected from Instagram and X: the network, its post id (unique per network), when it was
posted and when the network removed it

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 15:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("network", sa.String(length=16), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("network_post_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("posted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("removed_upstream_at", sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint("uq_entries_network_post", ["network", "network_post_id"])


def downgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_constraint("uq_entries_network_post", type_="unique")
        batch_op.drop_column("removed_upstream_at")
        batch_op.drop_column("posted_at")
        batch_op.drop_column("network_post_id")
        batch_op.drop_column("network")
