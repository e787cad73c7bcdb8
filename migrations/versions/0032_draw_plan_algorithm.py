"""a draw plan records the ranking rule (algorithm version) with its seed commitment: campaigns launched
before kuchikomi-draw-v2 keep kuchikomi-draw-v1, the rule they were launched (and their terms published)
with; plans made from now on are given the current version by the app

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05 13:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("draw_plans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("algorithm", sa.String(length=32), nullable=False, server_default="kuchikomi-draw-v1")
        )
    # The default was for the rows already there; a new plan always names its version (the model's default).
    with op.batch_alter_table("draw_plans", schema=None) as batch_op:
        batch_op.alter_column("algorithm", server_default=None)


def downgrade():
    with op.batch_alter_table("draw_plans", schema=None) as batch_op:
        batch_op.drop_column("algorithm")
