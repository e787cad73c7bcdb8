"""personal data that does not outlive its purpose: retention days per organisation, erased entries,
campaigns whose retention has run

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_days", sa.Integer(), nullable=False, server_default="90"))
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("personal_data_erased_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("personal_data_erased_at")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("retention_days")
