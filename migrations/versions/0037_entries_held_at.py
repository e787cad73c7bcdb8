"""entries remember when they were held off public surfaces (held_at): an approved collected post whose
network connection has refused its token for too long to honour a deletion on the network in time; the
first recheck after a reconnection releases it, or finds it deleted

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-05 19:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("held_at")
