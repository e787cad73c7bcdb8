"""entries remember a brand's takedown (taken_down_at) after the customer withdraws them too, and an erased
entry keeps no fingerprint of its photo: what was taken back may be sent again, what the brand refused not

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04 21:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("taken_down_at", sa.DateTime(), nullable=True))
    # Entries still taken down; one the customer withdrew since is told by the audit trail only.
    op.execute("UPDATE entries SET taken_down_at = withdrawn_at WHERE withdrawn_by = 'brand'")
    op.execute("UPDATE entries SET content_hash = '', perceptual_hash = '' WHERE erased_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("taken_down_at")
