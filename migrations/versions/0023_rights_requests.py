"""rights to reuse collected posts: request templates, per-organisation settings, one request per entry

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rights_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("hashtag", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("public_id"),
    )
    op.create_index("ix_rights_templates_org_id", "rights_templates", ["org_id"])
    op.create_table(
        "rights_settings",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("expiry_days", sa.Integer(), nullable=False),
        sa.Column("grant_months", sa.Integer(), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("org_id"),
    )
    op.create_table(
        "rights_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "to_send", "requested", "granted", "declined", "expired", "withdrawn",
                name="rightsstate", native_enum=False, length=16,
            ),
            nullable=False,
        ),
        sa.Column("delivery", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("hashtag", sa.String(length=60), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("terms_version", sa.String(length=32), nullable=False),
        sa.Column("grant_months", sa.Integer(), nullable=False),
        sa.Column("reply_post_id", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=32), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=True),
        sa.Column(
            "proof",
            sa.Enum("", "verified", "unverified", "manual", name="proof", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("proof_post_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("grant_until", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["template_id"], ["rights_templates.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id"),
        sa.UniqueConstraint("public_id"),
    )
    op.create_index("ix_rights_requests_org_id", "rights_requests", ["org_id"])
    op.create_index("ix_rights_requests_org_state", "rights_requests", ["org_id", "state"])


def downgrade():
    op.drop_table("rights_requests")
    op.drop_table("rights_settings")
    op.drop_index("ix_rights_templates_org_id", table_name="rights_templates")
    op.drop_table("rights_templates")
