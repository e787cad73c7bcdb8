"""addresses (slugs) a launched campaign used before a rename: redirected, never reused

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "retired_slugs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_retired_slugs_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retired_slugs")),
        sa.UniqueConstraint("slug", name=op.f("uq_retired_slugs_slug")),
    )
    with op.batch_alter_table("retired_slugs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retired_slugs_campaign_id"), ["campaign_id"], unique=False)


def downgrade():
    with op.batch_alter_table("retired_slugs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retired_slugs_campaign_id"))
    op.drop_table("retired_slugs")
