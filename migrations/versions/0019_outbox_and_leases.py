"""durable after-commit work (outbox_jobs) and named leases for the scheduler and entry processing (issue 14)

Revision ID: 0019
Revises: 0015
Create Date: 2026-12-03 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("func", sa.String(length=200), nullable=False),
        sa.Column("args", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_jobs")),
    )
    with op.batch_alter_table("outbox_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_jobs_next_attempt_at"), ["next_attempt_at"], unique=False)
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )


def downgrade():
    op.drop_table("leases")
    with op.batch_alter_table("outbox_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_jobs_next_attempt_at"))
    op.drop_table("outbox_jobs")
