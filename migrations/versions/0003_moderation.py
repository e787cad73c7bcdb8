"""moderation: rejection reasons, entry moderation fields, campaign sign-off settings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 02:00:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The defaults every organisation starts with (campaign/moderation/reasons.py DEFAULTS, frozen here).
DEFAULT_REASONS = (
    ("製品が写っていません", "The product is not visible in the photo"),
    ("不適切な内容が含まれています", "The content is inappropriate"),
    ("ご本人が撮影した写真ではないようです", "The photo does not seem to be your own"),
    ("個人情報が写っています", "Personal information is visible"),
    ("キャンペーンの条件を満たしていません", "The entry does not meet the campaign's conditions"),
)


def upgrade():
    reasons = op.create_table(
        "rejection_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("label_ja", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_rejection_reasons_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejection_reasons")),
        sa.UniqueConstraint("public_id", name=op.f("uq_rejection_reasons_public_id")),
    )
    with op.batch_alter_table("rejection_reasons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rejection_reasons_org_id"), ["org_id"], unique=False)

    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_by", sa.String(length=8), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("redacted_caption", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("rejection_reason_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("team_note", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("recommended_by", sa.String(length=254), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("moderated_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_entries_rejection_reason_id_rejection_reasons"),
            "rejection_reasons",
            ["rejection_reason_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        for name in ("withdrawn_by", "team_note", "recommended_by"):
            batch_op.alter_column(name, server_default=None)
    # Entries withdrawn before moderation existed were all withdrawn by their customers.
    op.execute("UPDATE entries SET withdrawn_by = 'customer' WHERE status = 'withdrawn'")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("two_stage_approval", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("notify_customers", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("launch_requested_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("launch_requested_by", sa.String(length=254), nullable=False, server_default="")
        )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        for name in ("two_stage_approval", "notify_customers", "launch_requested_by"):
            batch_op.alter_column(name, server_default=None)

    org_ids = [row[0] for row in op.get_bind().execute(sa.text("SELECT id FROM organisations"))]
    op.bulk_insert(
        reasons,
        [
            {
                "public_id": secrets.token_urlsafe(16),
                "org_id": org_id,
                "label_ja": ja,
                "label_en": en,
                "position": position,
                "active": True,
            }
            for org_id in org_ids
            for position, (ja, en) in enumerate(DEFAULT_REASONS)
        ],
    )


def downgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("launch_requested_by")
        batch_op.drop_column("launch_requested_at")
        batch_op.drop_column("notify_customers")
        batch_op.drop_column("two_stage_approval")

    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_entries_rejection_reason_id_rejection_reasons"), type_="foreignkey"
        )
        batch_op.drop_column("moderated_at")
        batch_op.drop_column("recommended_by")
        batch_op.drop_column("team_note")
        batch_op.drop_column("rejection_reason_id")
        batch_op.drop_column("redacted_caption")
        batch_op.drop_column("withdrawn_by")

    with op.batch_alter_table("rejection_reasons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rejection_reasons_org_id"))

    op.drop_table("rejection_reasons")
