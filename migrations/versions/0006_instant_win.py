"""instant win: campaign setting, release schedule, plays

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 02:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("instant_win", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("instant_win_odds", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("draw_plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("instant_plays", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("instant_opens_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("instant_closes_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("instant_odds", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "instant_win_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("prize_id", sa.Integer(), nullable=True),
        sa.Column("prize_index", sa.Integer(), nullable=False),
        sa.Column("prize_name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("release_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by_entry_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["claimed_by_entry_id"], ["entries.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["prize_id"], ["prizes.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "position"),
        sa.UniqueConstraint("claimed_by_entry_id"),
    )
    with op.batch_alter_table("instant_win_slots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instant_win_slots_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_instant_win_slots_org_id"), ["org_id"], unique=False)
    op.create_table(
        "instant_win_plays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("score", sa.String(length=64), nullable=False),
        sa.Column("lucky", sa.Boolean(), nullable=False),
        sa.Column("already_won", sa.Boolean(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.Column("played_at", sa.DateTime(), nullable=False),
        sa.Column("voided_after_seq", sa.Integer(), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("address_sealed", sa.Text(), nullable=False),
        sa.Column("address_given_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["slot_id"], ["instant_win_slots.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "seq"),
        sa.UniqueConstraint("entry_id"),
    )
    with op.batch_alter_table("instant_win_plays", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instant_win_plays_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_instant_win_plays_org_id"), ["org_id"], unique=False)
    for table, name in (("campaigns", "instant_win"), ("campaigns", "instant_win_odds"), ("draw_plans", "instant_plays"),
        ("draw_plans", "instant_odds")):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(name, server_default=None)


def downgrade():
    op.drop_table("instant_win_plays")
    op.drop_table("instant_win_slots")
    with op.batch_alter_table("draw_plans", schema=None) as batch_op:
        batch_op.drop_column("instant_odds")
        batch_op.drop_column("instant_closes_at")
        batch_op.drop_column("instant_opens_at")
        batch_op.drop_column("instant_plays")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("instant_win_odds")
        batch_op.drop_column("instant_win")
