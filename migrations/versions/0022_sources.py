"""campaign sources on Instagram and X (hashtag, tags and mentions, recent search), each Instagram
account's hashtag budget, and the source each collected entry came from

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "instagram_hashtag",
                "instagram_tags",
                "x_search",
                name="sourcekind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("query", sa.String(length=500), nullable=False),
        sa.Column("include_top", sa.Boolean(), nullable=False),
        sa.Column(
            "state", sa.Enum("active", "paused", name="sourcestate", native_enum=False, length=16), nullable=False
        ),
        sa.Column("cursor", sa.JSON(), nullable=False),
        sa.Column("last_poll_at", sa.DateTime(), nullable=True),
        sa.Column("next_poll_at", sa.DateTime(), nullable=True),
        sa.Column("api_pages", sa.Integer(), nullable=False),
        sa.Column("last_pages", sa.Integer(), nullable=False),
        sa.Column("collected", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("retry", sa.JSON(), nullable=False),
        sa.Column("error_code", sa.String(length=40), nullable=False),
        sa.Column("error_detail", sa.Text(), nullable=False),
        sa.Column("error_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("public_id"),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sources_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sources_org_id"), ["org_id"], unique=False)
    op.create_table(
        "hashtag_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("hashtag", sa.String(length=100), nullable=False),
        sa.Column("hashtag_id", sa.String(length=64), nullable=False),
        sa.Column("searched_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "hashtag"),
    )
    with op.batch_alter_table("hashtag_searches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hashtag_searches_org_id"), ["org_id"], unique=False)
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_entries_source_id"), ["source_id"], unique=False)
        batch_op.create_foreign_key("fk_entries_source_id", "sources", ["source_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_constraint("fk_entries_source_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_entries_source_id"))
        batch_op.drop_column("source_id")
    with op.batch_alter_table("hashtag_searches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hashtag_searches_org_id"))
    op.drop_table("hashtag_searches")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sources_org_id"))
        batch_op.drop_index(batch_op.f("ix_sources_campaign_id"))
    op.drop_table("sources")
