"""entries a retention keeps (published photos) remember whose they are as keyed hashes of the address and
of the social account (person_digest, account_digest), so a request by either still finds them once both
are erased; and an erased entry says what erased it (erased_by: "retention", else the person's request)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05 09:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_digest", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("account_digest", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("erased_by", sa.String(length=16), nullable=False, server_default=""))
        batch_op.create_index("ix_entries_person_digest", ["person_digest"], unique=False)
        batch_op.create_index("ix_entries_account_digest", ["account_digest"], unique=False)


def downgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_account_digest")
        batch_op.drop_index("ix_entries_person_digest")
        batch_op.drop_column("erased_by")
        batch_op.drop_column("account_digest")
        batch_op.drop_column("person_digest")
