"""a post collected from a network has no rating: entries.rating is NULL for it (it was stored as 0, and
counted as zero in averages); a gallery's minimum rating may be NULL, "no minimum" (the lowest minimum, 1,
used to mean the same: it showed posts without a rating, so it becomes NULL)

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-08 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.alter_column("rating", existing_type=sa.Integer(), nullable=True)
    op.execute("UPDATE entries SET rating = NULL WHERE rating NOT BETWEEN 1 AND 5")
    with op.batch_alter_table("galleries", schema=None) as batch_op:
        batch_op.alter_column("min_rating", existing_type=sa.Integer(), nullable=True)
    op.execute("UPDATE galleries SET min_rating = NULL WHERE min_rating <= 1")


def downgrade():
    op.execute("UPDATE galleries SET min_rating = 1 WHERE min_rating IS NULL")
    with op.batch_alter_table("galleries", schema=None) as batch_op:
        batch_op.alter_column("min_rating", existing_type=sa.Integer(), nullable=False)
    op.execute("UPDATE entries SET rating = 0 WHERE rating IS NULL")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.alter_column("rating", existing_type=sa.Integer(), nullable=False)
