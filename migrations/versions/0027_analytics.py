"""analytics: raw events (partitioned by day on PostgreSQL), daily rollups, counted order ids

Revision ID: 0027
Revises: 0025
Create Date: 2026-12-03 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0025"
branch_labels = None
depends_on = None

EVENT_COLUMNS = """
    day DATE NOT NULL,
    event_id VARCHAR(48) NOT NULL,
    org_id INTEGER NOT NULL,
    kind VARCHAR(12) NOT NULL,
    occurred_at {timestamp} NOT NULL,
    campaign_id INTEGER NOT NULL,
    gallery_id INTEGER NOT NULL,
    photo_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    touch VARCHAR(5) NOT NULL,
    value_cents BIGINT NOT NULL,
    currency VARCHAR(3) NOT NULL,
    CONSTRAINT pk_analytics_events PRIMARY KEY (day, event_id)
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # Declarative partitioning: one partition per day lives in the schema analytics_parts (made ahead by
        # the rollup duty); rows of a day with no partition yet land in the default one.
        columns = EVENT_COLUMNS.format(timestamp="TIMESTAMP WITHOUT TIME ZONE")
        op.execute(f"CREATE TABLE analytics_events ({columns}) PARTITION BY RANGE (day)")
        op.execute("CREATE SCHEMA IF NOT EXISTS analytics_parts")
        op.execute(
            "CREATE TABLE analytics_parts.analytics_events_default PARTITION OF analytics_events DEFAULT"
        )
    else:
        op.execute(f"CREATE TABLE analytics_events ({EVENT_COLUMNS.format(timestamp='DATETIME')})")
    op.create_table(
        "analytics_rollups",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("gallery_id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("visits", sa.BigInteger(), nullable=False),
        sa.Column("impressions", sa.BigInteger(), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=False),
        sa.Column("interactions", sa.BigInteger(), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.Column("click_conversions", sa.BigInteger(), nullable=False),
        sa.Column("view_conversions", sa.BigInteger(), nullable=False),
        sa.Column("click_revenue_cents", sa.BigInteger(), nullable=False),
        sa.Column("view_revenue_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day",
            "campaign_id",
            "gallery_id",
            "photo_id",
            "product_id",
            "currency",
            name="pk_analytics_rollups",
        ),
    )
    op.create_index("ix_analytics_rollups_org_id", "analytics_rollups", ["org_id"])
    op.create_table(
        "analytics_orders",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("order_key", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "order_key", name="pk_analytics_orders"),
    )
    op.create_table(
        "analytics_rolled_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rolled_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name="pk_analytics_rolled_days"),
    )


def downgrade():
    op.drop_table("analytics_rolled_days")
    op.drop_table("analytics_orders")
    op.drop_index("ix_analytics_rollups_org_id", table_name="analytics_rollups")
    op.drop_table("analytics_rollups")
    op.drop_table("analytics_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SCHEMA IF EXISTS analytics_parts CASCADE")
