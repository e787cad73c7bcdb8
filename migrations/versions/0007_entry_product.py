"""entries record the product their photo shows (chosen by the customer when a campaign has several)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 02:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("product_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_entries_product_id"), ["product_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_entries_product_id_products"), "products", ["product_id"], ["id"], ondelete="SET NULL"
        )
    # A campaign with a single product: its entries show that product.
    op.execute(
        "UPDATE entries SET product_id = (SELECT MIN(p.id) FROM products p WHERE p.campaign_id = entries.campaign_id) "
        "WHERE (SELECT COUNT(*) FROM products p WHERE p.campaign_id = entries.campaign_id) = 1"
    )


def downgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_entries_product_id_products"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_entries_product_id"))
        batch_op.drop_column("product_id")
