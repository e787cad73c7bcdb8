"""outbox rows keep the id of the request that queued them (a retry logs under it too); a mail sent by a
job is recorded under that job, so a retried job never sends it twice

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 16:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_id", sa.String(length=100), nullable=False, server_default=""))
    op.create_table(
        "sent_mails",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "digest"),
    )
    op.create_index("ix_sent_mails_sent_at", "sent_mails", ["sent_at"])


def downgrade():
    op.drop_index("ix_sent_mails_sent_at", table_name="sent_mails")
    op.drop_table("sent_mails")
    with op.batch_alter_table("outbox_jobs", schema=None) as batch_op:
        batch_op.drop_column("request_id")
