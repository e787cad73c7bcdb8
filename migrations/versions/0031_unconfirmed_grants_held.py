"""a click on the rights page no longer publishes: grants that a click alone published are taken off every
public surface, once, by the job `campaign.rights.unconfirmed:hold_unconfirmed` queued here in the outbox
(it runs at the next tick after the upgrade, through the takedown path, audited `rights.hold`)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 10:00:00

The migration itself changes no row of the entries: unpublishing means deleting public objects, purging the
CDN, rebuilding snapshots and withdrawing reviews, which the app's own code does (and audits) after a commit.
"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

JOB = "campaign.rights.unconfirmed:hold_unconfirmed"


def upgrade():
    conn = op.get_bind()
    clicked = conn.execute(
        sa.text("SELECT COUNT(*) FROM rights_requests WHERE state = 'granted' AND proof = 'unverified'")
    ).scalar()
    if not clicked:
        return
    now = datetime.now(UTC).replace(tzinfo=None)  # the outbox stores naive UTC
    conn.execute(
        sa.text(
            "INSERT INTO outbox_jobs (func, args, attempts, next_attempt_at, last_error, token, created_at,"
            " request_id) VALUES (:func, '[]', 0, :now, '', :token, :now, 'migration-0031')"
        ),
        {"func": JOB, "now": now, "token": secrets.token_hex(16)},
    )


def downgrade():
    pass  # a photo taken down is not put back: the creator's reply publishes it again
