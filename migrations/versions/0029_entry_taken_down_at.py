"""entries remember a brand's takedown (taken_down_at) after the customer withdraws them too, and an erased
entry keeps no fingerprint of its address or (unless the brand refused it) its photo: what was taken back
may be sent again, what the brand refused not

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
    # Entries still taken down; then those the customer withdrew since, from the audit trail: the last
    # takedown (a withdrawal by anyone but the customer), unless the entry was approved again after it.
    op.execute("UPDATE entries SET taken_down_at = withdrawn_at WHERE withdrawn_by = 'brand'")
    op.execute(
        "UPDATE entries SET taken_down_at = (SELECT MAX(t.created_at) FROM audit_events t"
        " WHERE t.object_type = 'entry' AND t.object_id = entries.public_id AND t.action = 'entry.withdraw'"
        " AND t.actor_kind <> 'customer') WHERE withdrawn_by = 'customer'"
    )
    op.execute(
        "UPDATE entries SET taken_down_at = NULL WHERE withdrawn_by = 'customer' AND EXISTS (SELECT 1"
        " FROM audit_events r WHERE r.object_type = 'entry' AND r.object_id = entries.public_id"
        " AND r.action = 'entry.reapprove' AND r.created_at > entries.taken_down_at)"
    )
    # An erased entry keeps no fingerprint of its photo or address, unless the brand had refused the photo.
    op.execute(
        "UPDATE entries SET content_hash = '', perceptual_hash = '' WHERE erased_at IS NOT NULL"
        " AND taken_down_at IS NULL AND rejection_label_ja = '' AND rejection_label_en = ''"
    )
    op.execute(
        "UPDATE entries SET idempotency_key = 'erased-' || public_id WHERE erased_at IS NOT NULL"
        " AND network = ''"
    )


def downgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("taken_down_at")
