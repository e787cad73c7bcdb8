"""one-time form tokens; the rejection text kept with the entry; reviews that come back with their entry

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:30:00

- `form_nonces`: each studio form that creates something carries a random token, stored here (unique) in
  the same transaction as what it created, so a double submit or a refresh creates nothing twice.
- `entries.rejection_label_ja` / `_en`: the reason's words as shown to the customer when rejected (editing
  the reason later changes no past entry); filled from the current reasons for existing rejected entries.
- `reviews.withdrawn_with_entry`: the review went because its entry was taken down (not by a marketer's
  own choice), so approving the entry again republishes it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_nonces",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_form_nonces")),
    )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rejection_label_ja", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("rejection_label_en", sa.String(length=200), nullable=False, server_default=""))
    op.execute(
        "UPDATE entries SET "
        "rejection_label_ja = (SELECT r.label_ja FROM rejection_reasons r WHERE r.id = entries.rejection_reason_id), "
        "rejection_label_en = (SELECT r.label_en FROM rejection_reasons r WHERE r.id = entries.rejection_reason_id) "
        "WHERE rejection_reason_id IS NOT NULL"
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("withdrawn_with_entry", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_with_entry")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("rejection_label_en")
        batch_op.drop_column("rejection_label_ja")
    op.drop_table("form_nonces")
