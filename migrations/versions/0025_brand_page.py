"""brand page: brand images (hero, logo, prizes), a brand colour, English title and description

The existing single `title` and `description` are the Japanese texts (labelled so in the editor); the
English ones start empty, and the page falls back to Japanese until they are written.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "brand_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("placeholder_color", sa.String(length=7), nullable=False),
        sa.Column("renditions", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("public_id"),
    )
    with op.batch_alter_table("brand_images", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_brand_images_org_id"), ["org_id"], unique=False)
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_en", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("description_en", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("brand_color", sa.String(length=7), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("hero_image_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("logo_image_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_campaigns_hero_image", "brand_images", ["hero_image_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_foreign_key(
            "fk_campaigns_logo_image", "brand_images", ["logo_image_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("prizes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_prizes_image", "brand_images", ["image_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("prizes", schema=None) as batch_op:
        batch_op.drop_constraint("fk_prizes_image", type_="foreignkey")
        batch_op.drop_column("image_id")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_constraint("fk_campaigns_logo_image", type_="foreignkey")
        batch_op.drop_constraint("fk_campaigns_hero_image", type_="foreignkey")
        batch_op.drop_column("logo_image_id")
        batch_op.drop_column("hero_image_id")
        batch_op.drop_column("brand_color")
        batch_op.drop_column("description_en")
        batch_op.drop_column("title_en")
    with op.batch_alter_table("brand_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_brand_images_org_id"))
    op.drop_table("brand_images")
